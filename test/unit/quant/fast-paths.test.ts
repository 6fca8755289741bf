import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  compressAbsmax,
  FP4_CODE_VALUES,
  FP4_MAGNITUDE_THRESHOLDS,
  fp4Code,
  int4SymmetricCode,
  NF4_CODE_VALUES,
  NF4_THRESHOLDS,
  nf4Code,
  quantize4bit,
  quantize4bitTransposed,
  quantizeInt4,
  quantizeInt8,
  quantizeInt8Columnwise,
  quantizeInt8Rowwise,
  quantizeInt8RowwiseJs,
} from "../../../kernel/src/quant";
import { buildCodeLookupTable, EXACT_CODE } from "../../../kernel/src/quant/code-lookup";
import { float32Bits, FLOAT32_INFINITY_BITS, maxMagnitudeBits } from "../../../kernel/src/quant/float-bits";
import { quantize4bitReference } from "../../../kernel/src/quant/fourbit-reference";
import { quantizeInt4Reference } from "../../../kernel/src/quant/int4-reference";
import { quantizeInt8RowwiseReference } from "../../../kernel/src/quant/int8-reference";
import { int8SimdBuffer } from "../../../kernel/src/quant/wasm/int8-simd";
import { standardNormal, uniformGenerator } from "../../helpers/random";

/** A row-major test matrix. */
interface Matrix {
  name: string;
  rows: number;
  cols: number;
  values: Float32Array;
}

/** Returns the float32 next to `x` in the direction of `toward` (+1 up, -1 down). */
function nextFloat32(x: number, toward: 1 | -1): number {
  const value = Float32Array.of(x);
  const bits = float32Bits(value);
  if (x === 0) return toward * 1.401298464324817e-45;
  bits[0] = bits[0]! + ((x > 0) === (toward > 0) ? 1 : -1);
  return value[0]!;
}

/** Returns each value with its two float32 neighbours. */
function withNeighbours(values: readonly number[]): number[] {
  return values.flatMap((x) => [nextFloat32(Math.fround(x), -1), Math.fround(x), nextFloat32(Math.fround(x), 1)]);
}

/** Lays `values` out in rows of `cols`, each row starting with `head`, padding with zeros. */
function rowsStartingWith(head: number, values: readonly number[], cols: number): Float32Array {
  const perRow = cols - 1;
  const rows = Math.ceil(values.length / perRow);
  const out = new Float32Array(rows * cols);
  for (let row = 0; row < rows; row++) {
    out[row * cols] = head;
    out.set(values.slice(row * perRow, (row + 1) * perRow), row * cols + 1);
  }
  return out;
}

/** Weights like a trained layer's: normal with standard deviation 0.02. */
function normalWeights(): Matrix {
  return { name: "normal weights", rows: 48, cols: 200, values: standardNormal(48 * 200, 41).map((x) => x * 0.02) };
}

/** Uniform values whose scale changes by up to 10^±30 from one run of 16 values to the next. */
function mixedScales(): Matrix {
  const uniform = uniformGenerator(42);
  const values = new Float32Array(64 * 96);
  let scale = 1;
  for (let i = 0; i < values.length; i++) {
    if (i % 16 === 0) scale = 10 ** Math.round(uniform() * 60 - 30);
    values[i] = (uniform() * 2 - 1) * scale;
  }
  return { name: "mixed scales", rows: 64, cols: 96, values };
}

/**
 * Rows of 64 that start with absmax 1, so that the 4-bit codes see the values themselves: every
 * NF4 threshold, FP4 pivot and code value, negated too, with their float32 neighbours.
 */
function fourBitDecisionPoints(): Matrix {
  const points = [...NF4_THRESHOLDS, ...FP4_MAGNITUDE_THRESHOLDS.map((entry) => entry.threshold), ...NF4_CODE_VALUES, ...FP4_CODE_VALUES];
  const signed = withNeighbours([...points, ...points.map((x) => -x)]).filter((x) => Math.abs(x) <= 1);
  const values = rowsStartingWith(1, signed, 64);
  return { name: "4-bit decision points", rows: values.length / 64, cols: 64, values };
}

/**
 * Rows of 32 that start with -8 (int4 scale 1) or 8 (scale -1), so that the int4 codes see the
 * values themselves. The values are every half integer from -8.5 to 8.5 with its float32
 * neighbours, where rounding half away from zero decides.
 */
function int4Ties(): Matrix {
  const halves = withNeighbours(Array.from({ length: 18 }, (_, i) => i - 8.5)).filter((x) => Math.abs(x) < 8);
  const negative = rowsStartingWith(-8, halves, 32);
  const positive = rowsStartingWith(8, halves, 32);
  const values = new Float32Array(negative.length + positive.length);
  values.set(negative);
  values.set(positive, negative.length);
  return { name: "int4 ties", rows: values.length / 32, cols: 32, values };
}

/** Rows of 64 that start with absmax 127 (INT8 factor 1): every half integer in (-127, 127) with its neighbours. */
function int8Ties(): Matrix {
  const halves = withNeighbours(Array.from({ length: 254 }, (_, i) => i - 126.5));
  const values = rowsStartingWith(127, halves, 64);
  return { name: "INT8 ties", rows: values.length / 64, cols: 64, values };
}

/**
 * Rows of 32 covering zeros and tiny values: all +0, all -0, mixed signed zeros, subnormals
 * whose reciprocal overflows float32, tiny normals whose reciprocal does not, the smallest
 * subnormal, and a single nonzero value.
 */
function zerosAndTiny(): Matrix {
  const uniform = uniformGenerator(43);
  const rows: number[][] = [
    new Array<number>(32).fill(0),
    new Array<number>(32).fill(-0),
    Array.from({ length: 32 }, (_, i) => (i % 3 === 0 ? -0 : 0)),
    Array.from({ length: 32 }, () => (uniform() * 2 - 1) * 1e-40),
    Array.from({ length: 32 }, (_, i) => (i % 2 === 0 ? 1e-40 : 0)),
    Array.from({ length: 32 }, () => (uniform() * 2 - 1) * 2e-38),
    Array.from({ length: 32 }, () => (uniform() * 2 - 1) * 1e-36),
    Array.from({ length: 32 }, (_, i) => (i === 7 ? -1.401298464324817e-45 : 0)),
    Array.from({ length: 32 }, (_, i) => (i === 19 ? 3.5 : 0)),
  ];
  return { name: "zeros and tiny values", rows: rows.length, cols: 32, values: Float32Array.from(rows.flat()) };
}

/** Rows of 32 in which the largest magnitude occurs with both signs, the first one positive or negative. */
function equalMagnitudes(): Matrix {
  const uniform = uniformGenerator(44);
  const rows = [0.5, -0.5, 3, -3].map((first) => {
    const row = Array.from({ length: 32 }, () => (uniform() * 2 - 1) * 0.25);
    row[4] = first;
    row[20] = -first;
    return row;
  });
  return { name: "equal magnitudes of both signs", rows: rows.length, cols: 32, values: Float32Array.from(rows.flat()) };
}

/** Returns the hand vectors of the 4-bit and INT8 unit tests. */
function handVectors(): Matrix[] {
  const plusAndMinusAbsmax = new Float32Array(16).fill(0.1);
  plusAndMinusAbsmax[3] = -2.5;
  plusAndMinusAbsmax[9] = 2.5;
  return [
    { name: "hand vector: NF4 packing", rows: 1, cols: 16, values: Float32Array.from([1, -1, 0, 0.5626170039176941, ...new Array<number>(12).fill(0)]) },
    { name: "hand vector: plus and minus absmax", rows: 1, cols: 16, values: plusAndMinusAbsmax },
    { name: "hand vector: INT8 rows", rows: 2, cols: 2, values: Float32Array.from([1, -2, 0.25, 0.5]) },
  ];
}

/** Odd length and a partial last block. */
function oddLength(): Matrix {
  return { name: "odd length", rows: 1, cols: 16 * 3 + 5, values: standardNormal(16 * 3 + 5, 45) };
}

const MATRICES: Matrix[] = [
  normalWeights(),
  mixedScales(),
  fourBitDecisionPoints(),
  int4Ties(),
  int8Ties(),
  zerosAndTiny(),
  equalMagnitudes(),
  oddLength(),
  ...handVectors(),
];

/** Number of values that fit in the INT8 SIMD buffer at once. Longer rows are read in chunks. */
const INT8_SIMD_CAPACITY = 13104;

/**
 * Random rows of every length from 1 to 40 and around multiples of 16, so that the SIMD loops
 * end with every possible tail.
 */
function int8RowLengths(): Matrix[] {
  const lengths = [...Array.from({ length: 40 }, (_, i) => i + 1), 47, 48, 49, 63, 64, 65, 255, 257];
  return lengths.map((cols, index) => {
    const rows = 3;
    return { name: `rows of ${cols}`, rows, cols, values: standardNormal(rows * cols, 100 + index).map((x) => x * 0.02) };
  });
}

/**
 * Rows of the tiny-value kind at lengths that leave a tail: subnormals whose reciprocal
 * overflows float32, with zeros of both signs, and tiny normals.
 */
function tinyValuesWithTails(): Matrix[] {
  const uniform = uniformGenerator(49);
  return [5, 17, 37, 70].map((cols) => {
    const rows: number[][] = [
      Array.from({ length: cols }, () => (uniform() * 2 - 1) * 1e-40),
      Array.from({ length: cols }, (_, i) => [1e-40, -0, 0][i % 3]!),
      Array.from({ length: cols }, (_, i) => (i === cols - 1 ? -1.401298464324817e-45 : 0)),
      Array.from({ length: cols }, () => (uniform() * 2 - 1) * 2e-38),
      new Array<number>(cols).fill(0),
    ];
    return { name: `tiny values in rows of ${cols}`, rows: rows.length, cols, values: Float32Array.from(rows.flat()) };
  });
}

/**
 * Rows as long as the SIMD buffer, one value longer, and more than twice as long, each with
 * ties and zeros placed in the last chunk and with a subnormal-only row.
 */
function longRows(): Matrix[] {
  return [INT8_SIMD_CAPACITY - 1, INT8_SIMD_CAPACITY, INT8_SIMD_CAPACITY + 1, 2 * INT8_SIMD_CAPACITY + 21].map((cols, index) => {
    const rows = 3;
    const values = standardNormal(rows * cols, 200 + index);
    // Row 0: absmax 127 (factor 1) at its start, then ties of every half integer in its last chunk.
    values[0] = 127;
    for (let k = 0; k < 254; k++) values[cols - 300 + k] = k - 126.5;
    // Row 1: zeros after its first chunk.
    values.fill(0, cols + 1000, 2 * cols);
    // Row 2: subnormals only, so that 127 / absmax overflows float32.
    for (let i = 2 * cols; i < 3 * cols; i++) values[i] = values[i]! * 1e-40;
    return { name: `rows of ${cols}, around the SIMD buffer size`, rows, cols, values };
  });
}

/** Matrices for the INT8 per-row paths only, beyond {@link MATRICES}. */
const INT8_MATRICES: Matrix[] = [...int8RowLengths(), ...tinyValuesWithTails(), ...longRows()];

/** Asserts that two typed arrays hold the same bytes, printing the first difference. */
function assertSameBytes(actual: ArrayBufferView, expected: ArrayBufferView, label: string): void {
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  const b = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  if (a.equals(b)) return;
  let index = 0;
  while (index < Math.min(a.length, b.length) && a[index] === b[index]) index++;
  assert.fail(`${label}: ${a.length} bytes against ${b.length}, first difference at byte ${index}: ${a[index]} instead of ${b[index]}`);
}

/** Returns the transpose of a row-major `[rows, cols]` matrix. */
function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) out[col * rows + row] = values[row * cols + col]!;
  }
  return out;
}

describe("fast quantization paths", () => {
  describe("quantize4bit", () => {
    for (const { name, values } of MATRICES) {
      it(`equals the reference on ${name}`, () => {
        for (const type of ["nf4", "fp4"] as const) {
          for (const blockSize of [16, 32, 64, 256, 4096]) {
            const fast = quantize4bit(values, { type, blockSize });
            const reference = quantize4bitReference(values, type, blockSize);
            assertSameBytes(fast.absmax, reference.absmax, `${type} block ${blockSize} absmax`);
            assertSameBytes(fast.packed, reference.packed, `${type} block ${blockSize} packed codes`);
          }
        }
      });
    }

    it("compresses the reference absmax with double quantization", () => {
      const { values } = normalWeights();
      const fast = quantize4bit(values, { type: "nf4", blockSize: 16, doubleQuant: true });
      const reference = quantize4bitReference(values, "nf4", 16);
      const compressed = compressAbsmax(reference.absmax);
      assertSameBytes(fast.packed, reference.packed, "packed codes");
      assertSameBytes(fast.doubleQuant!.quantized.codes, compressed.quantized.codes, "absmax codes");
      assertSameBytes(fast.doubleQuant!.quantized.absmax, compressed.quantized.absmax, "second-level absmax");
      assert.equal(fast.doubleQuant!.offset, compressed.offset);
    });
  });

  describe("quantize4bitTransposed", () => {
    const matrices = [...MATRICES, { name: "normal weights, 256 columns", rows: 24, cols: 256, values: standardNormal(24 * 256, 48).map((x) => x * 0.02) }];
    for (const { name, values, rows, cols } of matrices) {
      const blockSizes = [16, 32, 64, 128, 256].filter((blockSize) => cols % blockSize === 0);
      if (blockSizes.length === 0) continue;
      it(`equals the reference on the transpose of ${name}`, () => {
        const valuesInOut = transpose(values, rows, cols);
        for (const type of ["nf4", "fp4"] as const) {
          for (const blockSize of blockSizes) {
            const fast = quantize4bitTransposed(valuesInOut, cols, rows, { type, blockSize });
            const reference = quantize4bitReference(values, type, blockSize);
            assertSameBytes(fast.absmax, reference.absmax, `${type} block ${blockSize} absmax`);
            assertSameBytes(fast.packed, reference.packed, `${type} block ${blockSize} packed codes`);
          }
        }
      });
    }

    it("rejects a K that is not a multiple of the block size", () => {
      assert.throws(() => quantize4bitTransposed(new Float32Array(96 * 2), 96, 2, { blockSize: 64, name: "w" }), /w: K = 96 is not a multiple of blockSize 64/);
    });
  });

  describe("quantizeInt8Rowwise", () => {
    it("runs the WebAssembly SIMD path in Node", () => {
      const buffer = int8SimdBuffer();
      assert.notEqual(buffer, undefined);
      assert.equal(buffer?.capacity, INT8_SIMD_CAPACITY);
    });

    for (const { name, values, rows, cols } of [...MATRICES, ...INT8_MATRICES]) {
      it(`equals the reference on ${name}`, () => {
        const fast = quantizeInt8Rowwise(values, rows, cols);
        const reference = quantizeInt8RowwiseReference(values, rows, cols);
        assertSameBytes(fast.scales, reference.scales, "scales");
        assertSameBytes(fast.codes, reference.codes, "codes");
      });
    }

    it("equals the reference on shared memory", () => {
      const { values: source, rows, cols } = normalWeights();
      const values = new Float32Array(new SharedArrayBuffer(source.byteLength));
      values.set(source);
      const fast = quantizeInt8Rowwise(values, rows, cols);
      const reference = quantizeInt8RowwiseReference(source, rows, cols);
      assertSameBytes(fast.scales, reference.scales, "scales");
      assertSameBytes(fast.codes, reference.codes, "codes");
    });

    it("equals the reference on the whole tensor as one row", () => {
      const { values } = longRows()[3]!;
      const fast = quantizeInt8(values, 1, values.length, { granularity: "tensor" });
      const reference = quantizeInt8RowwiseReference(values, 1, values.length);
      assertSameBytes(fast.scales, reference.scales, "scales");
      assertSameBytes(fast.codes, reference.codes, "codes");
    });
  });

  describe("quantizeInt8RowwiseJs", () => {
    for (const { name, values, rows, cols } of [...MATRICES, ...INT8_MATRICES]) {
      it(`equals the reference on ${name}`, () => {
        const fast = quantizeInt8RowwiseJs(values, rows, cols);
        const reference = quantizeInt8RowwiseReference(values, rows, cols);
        assertSameBytes(fast.scales, reference.scales, "scales");
        assertSameBytes(fast.codes, reference.codes, "codes");
      });
    }
  });

  describe("quantizeInt8Columnwise", () => {
    for (const { name, values, rows, cols } of MATRICES) {
      it(`equals the row reference of the transpose on ${name}`, () => {
        const fast = quantizeInt8Columnwise(transpose(values, rows, cols), cols, rows);
        const reference = quantizeInt8RowwiseReference(values, rows, cols);
        assertSameBytes(fast.scales, reference.scales, "scales");
        const codesOutIn = new Int8Array(values.length);
        for (let row = 0; row < cols; row++) {
          for (let col = 0; col < rows; col++) codesOutIn[col * cols + row] = fast.codes[row * rows + col]!;
        }
        assertSameBytes(codesOutIn, reference.codes, "codes");
      });
    }
  });

  describe("quantizeInt4", () => {
    for (const { name, values, rows, cols } of MATRICES) {
      it(`equals the reference on ${name}`, () => {
        for (const symmetric of [true, false]) {
          for (const blockSize of [16, 32, 64, 128, 256]) {
            const fast = quantizeInt4(values, rows, cols, { blockSize, symmetric });
            const reference = quantizeInt4Reference(values, rows, cols, { blockSize, symmetric });
            const label = `${symmetric ? "symmetric" : "asymmetric"} block ${blockSize}`;
            assertSameBytes(fast.scales, reference.scales, `${label} scales`);
            assertSameBytes(fast.packed, reference.packed, `${label} packed codes`);
            if (!symmetric) assertSameBytes(fast.zeroPoints!, reference.zeroPoints!, `${label} zero points`);
          }
        }
      });
    }
  });

  describe("non-finite values", () => {
    it("are rejected at the same element by every scheme", () => {
      for (const bad of [Number.NaN, Infinity, -Infinity]) {
        const values = standardNormal(64 * 64, 46);
        values[1234] = bad;
        const message = new RegExp(`Tensor "w" contains ${bad} at element 1234`);
        assert.throws(() => quantize4bit(values, { name: "w" }), message, `4-bit, ${bad}`);
        assert.throws(() => quantizeInt8Rowwise(values, 64, 64, "w"), message, `INT8 rows, ${bad}`);
        assert.throws(() => quantizeInt8RowwiseJs(values, 64, 64, "w"), message, `INT8 rows in JavaScript, ${bad}`);
        assert.throws(() => quantizeInt8Columnwise(values, 64, 64, "w"), message, `INT8 columns, ${bad}`);
        assert.throws(() => quantizeInt4(values, 64, 64, { name: "w" }), message, `int4, ${bad}`);
        assert.throws(() => quantize4bitTransposed(values, 64, 64, { name: "w" }), message, `4-bit of the transpose, ${bad}`);
      }
    });

    it("are rejected in INT8 row tails and long rows", () => {
      const cases = [
        { rows: 5, cols: 37, index: 4 * 37 + 36 },
        { rows: 2, cols: 2 * INT8_SIMD_CAPACITY + 21, index: 2 * INT8_SIMD_CAPACITY + 21 + 2 * INT8_SIMD_CAPACITY + 3 },
      ];
      for (const bad of [Number.NaN, Infinity, -Infinity]) {
        for (const { rows, cols, index } of cases) {
          const values = standardNormal(rows * cols, 50);
          values[index] = bad;
          const message = new RegExp(`Tensor "w" contains ${bad} at element ${index}`);
          assert.throws(() => quantizeInt8Rowwise(values, rows, cols, "w"), message, `SIMD, ${rows} x ${cols}, ${bad}`);
          assert.throws(() => quantizeInt8RowwiseJs(values, rows, cols, "w"), message, `JavaScript, ${rows} x ${cols}, ${bad}`);
        }
      }
    });
  });
});

/**
 * Sorted probe points for a code function over [min, max]: a grid of 2^16 steps per unit and
 * every given decision point with its float32 neighbours inside the range.
 */
function probePoints(min: number, max: number, decisionPoints: readonly number[]): number[] {
  const grid = Array.from({ length: (max - min) * 65536 + 1 }, (_, i) => Math.fround(min + i / 65536));
  const near = withNeighbours(decisionPoints).filter((x) => x >= min && x <= max);
  return [...grid, ...near].sort((a, b) => a - b);
}

const FP4_PIVOTS = FP4_MAGNITUDE_THRESHOLDS.map((entry) => entry.threshold);
const CODE_FUNCTIONS = [
  { name: "nf4Code", codeOf: nf4Code, min: -1, max: 1, points: NF4_THRESHOLDS },
  { name: "fp4Code", codeOf: fp4Code, min: -1, max: 1, points: [...FP4_PIVOTS, ...FP4_PIVOTS.map((x) => -x), 0] },
  { name: "int4SymmetricCode", codeOf: int4SymmetricCode, min: -8, max: 8, points: Array.from({ length: 18 }, (_, i) => i - 8.5) },
];

describe("buildCodeLookupTable", () => {
  for (const { name, codeOf, min, max, points } of CODE_FUNCTIONS) {
    it(`${name} gives each code one interval`, () => {
      // The table's exactness rests on this: a code never returns once x has moved past it.
      const left = new Set<number>();
      let current = -1;
      for (const x of probePoints(min, max, points)) {
        const code = codeOf(x);
        if (code === current) continue;
        assert.ok(!left.has(code), `${name}: code ${code} returns at x = ${x}`);
        left.add(current);
        current = code;
      }
    });

    it(`${name} entries equal the code of every probe in their bucket`, () => {
      const bucketsPerUnit = 4096;
      const { entries, offset } = buildCodeLookupTable(codeOf, min, max, bucketsPerUnit);
      let exact = 0;
      for (const x of probePoints(min, max, points)) {
        const entry = entries[(x * bucketsPerUnit + offset) | 0]!;
        if (entry === EXACT_CODE) exact++;
        else assert.equal(entry, codeOf(x), `${name}: entry for x = ${x}`);
      }
      assert.ok(exact > 0, `${name}: probes reach the split buckets`);
    });
  }

  it("rejects a bucket count that is not a power of two", () => {
    assert.throws(() => buildCodeLookupTable(nf4Code, -1, 1, 1000), /power-of-two bucketsPerUnit, got \[-1, 1\] and 1000/);
  });
});

describe("maxMagnitudeBits", () => {
  it("equals the largest magnitude", () => {
    const values = standardNormal(1000, 47);
    const bits = float32Bits(values);
    for (const [start, end] of [[0, 1000], [3, 10], [17, 18], [5, 5], [992, 1000]] as const) {
      const expected = Math.max(0, ...Array.from(values.subarray(start, end), Math.abs));
      const result = Float32Array.of(0);
      float32Bits(result)[0] = maxMagnitudeBits(bits, start, end);
      assert.equal(result[0], expected, `range [${start}, ${end})`);
    }
  });

  it("flags Infinity and NaN and ignores the sign of zero", () => {
    for (const bad of [Infinity, -Infinity, Number.NaN]) {
      const values = new Float32Array(40);
      values[33] = bad;
      assert.ok(maxMagnitudeBits(float32Bits(values), 0, 40) >= FLOAT32_INFINITY_BITS, `${bad}`);
    }
    assert.equal(maxMagnitudeBits(float32Bits(new Float32Array(9).fill(-0)), 0, 9), 0);
  });
});
