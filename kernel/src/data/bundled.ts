import * as path from "node:path";

/** Directory of the DNA data bundled with dnaquant (see its README.md for sources and licenses). */
export const BUNDLED_DATA_DIR = path.resolve(__dirname, "..", "..", "data");

/** Well-known bundled files. */
export const BUNDLED_DATA = Object.freeze({
  /** DNALLM's promoter test set: 100 sequences of 300 bp, label 1 = promoter. */
  promoterTest: path.join(BUNDLED_DATA_DIR, "dnallm", "binary_classification", "test.csv"),
  /** DNALLM's taxonomy test set: 100 sequences of 1500 bp labelled Archaea, Bacteria, Eukaryota, Viruses. */
  taxonomyTest: path.join(BUNDLED_DATA_DIR, "dnallm", "embedding", "test.csv"),
  /** Enterobacteria phage lambda genome, 48,502 bp, gzip-compressed FASTA. */
  lambdaPhage: path.join(BUNDLED_DATA_DIR, "sequences", "lambda_phage_NC_001416.fa.gz"),
  /** 40 kb of human chr17 (hg19) with soft-masked (lower-case) repeats. */
  humanChr17: path.join(BUNDLED_DATA_DIR, "sequences", "hg19_chr17_part_softmasked.fa"),
});
