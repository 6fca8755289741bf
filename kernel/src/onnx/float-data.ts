/**
 * Float32 data copied out of model bytes. Kept apart from the protobuf modules so that worker
 * threads load it without them.
 */

/**
 * Copies little-endian float32 bytes into an aligned Float32Array: raw data may start at any
 * byte offset of the file. Assumes a little-endian host, as every platform onnxruntime-node
 * ships for is.
 * @param buffer memory to copy into when it has at least `raw.length + 8` bytes; new memory
 *   otherwise.
 */
export function float32FromBytes(raw: Uint8Array, buffer?: ArrayBuffer): Float32Array {
  const length = raw.length >> 2;
  const byteLength = length * 4;
  const target = buffer !== undefined && buffer.byteLength >= byteLength + 8 ? buffer : new ArrayBuffer(byteLength + 8);
  const bytes = new Uint8Array(target);

  // V8 copies out of a SharedArrayBuffer word by word only when source and target share their
  // offset modulo 8, and byte by byte (about 5 times slower) otherwise. Copy to the source's
  // offset first, then move the bytes to the start with an ordinary memmove.
  const shift = raw.buffer instanceof SharedArrayBuffer ? raw.byteOffset % 8 : 0;
  bytes.set(raw.subarray(0, byteLength), shift);
  if (shift !== 0) bytes.copyWithin(0, shift, shift + byteLength);
  return new Float32Array(target, 0, length);
}
