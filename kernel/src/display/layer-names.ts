/** Short labels for layer names in charts. */

/**
 * Shortens ONNX node names for chart labels by dropping the `/`-separated segments that all
 * names share at the start and at the end. `/layers.0/Wqkv/MatMul` and `/layers.1/Wo/MatMul`
 * become `layers.0/Wqkv` and `layers.1/Wo`.
 *
 * Every name keeps at least one segment, so `/MatMul` next to `/layers.0/Wo/MatMul` stays
 * `MatMul`. The names are returned unchanged when there are fewer than two, or when the short
 * names would not be distinct.
 */
export function shortenLayerNames(names: readonly string[]): string[] {
  if (names.length < 2) {
    return [...names];
  }

  // Segments of each name, without the empty segment before a leading slash.
  const segmentLists = names.map((name) => name.split("/").filter((segment, index) => index > 0 || segment !== ""));
  const first = segmentLists[0]!;
  const shortest = Math.min(...segmentLists.map((segments) => segments.length));

  // Count the leading and the trailing segments that every name shares.
  let leading = 0;
  while (leading < shortest && segmentLists.every((segments) => segments[leading] === first[leading])) {
    leading++;
  }
  const fromEnd = (segments: string[], offset: number) => segments[segments.length - 1 - offset];
  let trailing = 0;
  while (trailing < shortest && segmentLists.every((segments) => fromEnd(segments, trailing) === fromEnd(first, trailing))) {
    trailing++;
  }

  // Drop them, but keep at least one segment of each name.
  const shortNames = segmentLists.map((segments) => {
    const start = Math.min(leading, segments.length - 1);
    const end = Math.max(start + 1, segments.length - trailing);
    return segments.slice(start, end).join("/");
  });
  const distinct = new Set(shortNames).size === shortNames.length && shortNames.every((name) => name !== "");
  return distinct ? shortNames : [...names];
}
