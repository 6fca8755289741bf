/**
 * Matrix transposition for weights that ONNX stores as MatMul's `[K, N]` B while the
 * quantization layouts want `[N, K]`, and back.
 */

/**
 * Writes the transpose of the row-major `[rows, cols]` matrix `values` into `out` as a row-major
 * `[cols, rows]` matrix and returns `out`.
 *
 * It reads eight input rows side by side and writes eight consecutive values of each output row.
 * Square tiles do worse here: the input rows of a linear weight lie a multiple of 4 KiB apart,
 * so a tile's column of 32 or more rows maps to one set of the L1 cache and evicts itself.
 */
export function transposeMatrix<T extends Float32Array | Int8Array>(values: T, rows: number, cols: number, out: T): T {
  if (values.length !== rows * cols || out.length !== rows * cols) {
    throw new RangeError(`transposeMatrix: expected ${rows} x ${cols} = ${rows * cols} values in and out, got ${values.length} and ${out.length}.`);
  }
  let row = 0;
  for (; row + 7 < rows; row += 8) {
    const start = row * cols;
    for (let col = 0, target = row; col < cols; col++, target += rows) {
      const source = start + col;
      out[target] = values[source]!;
      out[target + 1] = values[source + cols]!;
      out[target + 2] = values[source + 2 * cols]!;
      out[target + 3] = values[source + 3 * cols]!;
      out[target + 4] = values[source + 4 * cols]!;
      out[target + 5] = values[source + 5 * cols]!;
      out[target + 6] = values[source + 6 * cols]!;
      out[target + 7] = values[source + 7 * cols]!;
    }
  }
  for (; row < rows; row++) {
    for (let col = 0; col < cols; col++) out[col * rows + row] = values[row * cols + col]!;
  }
  return out;
}
