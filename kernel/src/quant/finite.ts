/**
 * Checks that every element of `values` is finite, so that no scale becomes NaN or Infinity.
 * @throws RangeError naming the tensor, the first bad element's index and its value.
 */
export function assertFinite(values: ArrayLike<number>, name: string): void {
  for (let index = 0; index < values.length; index++) {
    const value = values[index]!;
    if (!Number.isFinite(value)) {
      throw new RangeError(
        `Tensor "${name}" contains ${value} at element ${index}; quantization needs finite values. Check the model file or the layer that produced it.`,
      );
    }
  }
}

/**
 * Throws the error of {@link assertFinite} for `values`, which the caller knows to contain a
 * non-finite element.
 */
export function throwNonFinite(values: ArrayLike<number>, name: string): never {
  assertFinite(values, name);
  throw new RangeError(`Tensor "${name}" contains a non-finite value; quantization needs finite values.`);
}
