"""Writes notebooks/quickstart.ipynb from the cell sources below (run with /usr/bin/python3)."""

import pathlib

import nbformat

CELLS = [
    ("markdown", """# dnaquant quickstart

Load a DNA language model with full-precision, 8-bit and 4-bit weights, see how much memory each
takes, run them on real DNA, and look at the weights.

The model is the bundled `tiny-dnabert2`: a DNABERT-2-style masked language model (ALiBi attention,
GEGLU MLP, single-nucleotide vocabulary, 1.07 M parameters) trained on real genomes. The same calls
load any model directory in the Hugging Face layout with an ONNX export."""),
    ("code", """import {
  BUNDLED_DATA,
  cosineSimilarity,
  formatBytes,
  loadModelAndTokenizer,
  readFasta,
  readLabelledSequences,
  showWeights,
} from "dnaquant";"""),
    ("markdown", """## Load the model three ways

`loadIn8bit` stores every linear weight as INT8 with one absmax scale per output channel
(bitsandbytes' LLM.int8() layout, run by onnxruntime's integer kernels). `loadIn4bit` stores it
as NF4 or FP4 in blocks of 64 with bitsandbytes' code tables (run by `MatMulBnb4`). Embeddings,
norms and biases stay in float32."""),
    ("code", """const fp32 = await loadModelAndTokenizer();
const int8 = await loadModelAndTokenizer(undefined, { loadIn8bit: true });
const nf4 = await loadModelAndTokenizer(undefined, { loadIn4bit: true, quantType: "nf4", blockSize: 64 });
const models = { fp32: fp32.model, int8: int8.model, nf4: nf4.model };
nf4.model"""),
    ("markdown", """## Memory footprint

`getMemoryFootprint()` counts every tensor the onnxruntime session holds: quantized codes,
quantization metadata (scales, absmax) and unquantized tensors."""),
    ("code", """for (const [label, model] of Object.entries(models)) {
  const footprint = model.getMemoryFootprint();
  const linear = footprint.linearWeights;
  const ratio = linear.storedBytes / linear.fp32Bytes;
  console.log(
    `${label.padEnd(5)} all weights ${formatBytes(footprint.totalBytes).padStart(10)}` +
      `   linear weights ${formatBytes(linear.storedBytes).padStart(10)} (${ratio.toFixed(3)}x of fp32)` +
      `   metadata ${formatBytes(footprint.quantizationMetadataBytes)}`,
  );
}"""),
    ("markdown", """## Embeddings of ten real promoter sequences

The first ten sequences of DNALLM's promoter test set (300 bp each). An embedding is the mean of
the last hidden state over the sequence's tokens. Cosine similarity to the fp32 embedding shows
how much each quantization moves the representation."""),
    ("code", """const promoters = readLabelledSequences(BUNDLED_DATA.promoterTest).slice(0, 10);
const sequences = promoters.map((row) => row.sequence);
const reference = await fp32.model.embed(sequences);
for (const label of ["int8", "nf4"] as const) {
  const embeddings = await models[label].embed(sequences);
  const cosines = embeddings.map((embedding, i) => cosineSimilarity(embedding, reference[i]));
  const mean = cosines.reduce((sum, value) => sum + value, 0) / cosines.length;
  console.log(`${label}: mean cosine to fp32 ${mean.toFixed(5)}, min ${Math.min(...cosines).toFixed(5)}`);
}"""),
    ("markdown", """## Fill a masked base in the lambda phage genome

A 101-base window of the lambda phage genome with its middle base masked. This small model was
trained with a single-base vocabulary, so expect probabilities near the base composition with
modest context effects."""),
    ("code", """const [lambda] = readFasta(BUNDLED_DATA.lambdaPhage);
const window = lambda.sequence.slice(20000, 20101);
const masked = window.slice(0, 50) + "[MASK]" + window.slice(51);
console.log(`true base: ${window[50]}`);
for (const [label, model] of Object.entries(models)) {
  const [[mask]] = await model.fillMask([masked], { topK: 4 });
  const top = mask.predictions.map((p) => `${p.token} ${p.probability.toFixed(3)}`).join("  ");
  console.log(`${label.padEnd(5)} ${top}`);
}"""),
    ("markdown", """## Weight distributions

Histograms of each linear layer's weights as the model computes with them. With NF4 each block
of 64 weights can take only 16 values, which shows as spikes."""),
    ("code", """showWeights(nf4.model);"""),
]


def main() -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {
        "kernelspec": {"name": "dnaquant", "display_name": "TypeScript (dnaquant)", "language": "typescript"},
        "language_info": {"name": "typescript", "file_extension": ".ts", "mimetype": "text/typescript"},
    }
    for kind, source in CELLS:
        if kind == "markdown":
            notebook.cells.append(nbformat.v4.new_markdown_cell(source))
        else:
            notebook.cells.append(nbformat.v4.new_code_cell(source))
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"quickstart-{index:02d}"
    nbformat.validate(notebook)
    target = pathlib.Path(__file__).resolve().parent.parent / "notebooks" / "quickstart.ipynb"
    nbformat.write(notebook, str(target))


if __name__ == "__main__":
    main()
