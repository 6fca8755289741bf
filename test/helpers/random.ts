/**
 * Seeded pseudo-random numbers for reproducible test data: a 32-bit SplitMix-style generator and
 * Box-Muller standard-normal samples.
 */

/** Returns a generator of uniform floats in [0, 1) determined by `seed`. */
export function uniformGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 4294967296;
  };
}

/** Returns `length` standard-normal float32 samples determined by `seed`. */
export function standardNormal(length: number, seed: number): Float32Array {
  const uniform = uniformGenerator(seed);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
    const angle = 2 * Math.PI * uniform();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < length) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}
