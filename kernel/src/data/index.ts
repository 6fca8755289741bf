/** Reading DNA data: FASTA, labelled CSV, and the bundled real sequences. */
export * from "./bundled";
export * from "./read-text";
export * from "./fasta";
export * from "./csv";
