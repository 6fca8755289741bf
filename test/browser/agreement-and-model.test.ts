/**
 * Browser test of the agreement view and the model view of the dnaquant-jupyterlab extension. It
 * writes a notebook and a small ONNX model into a temporary folder. The notebook loads the bundled
 * tiny-dnabert2 with NF4 weights and ends a cell with the model. It compares an INT8 and the NF4
 * model with fp32 on promoter sequences and shows the agreement. Then it loads the small ONNX
 * model, one of whose MatMul nodes stays in fp32, and shows an agreement output with an invalid
 * value.
 * The notebook runs on the built dnaquant kernel in the local JupyterLab host (lab/) in Debian's
 * headless Chromium. Screenshots go to the artifacts folder (DNAQUANT_TEST_ARTIFACTS, default
 * test-artifacts/): model-view.png, model-view-skipped.png, agreement-view.png, and in the dark
 * theme agreement-view-dark.png and model-view-dark.png.
 *
 * Needs kernel/dist (`node node_modules/typescript/bin/tsc -b kernel`), extension/labextension
 * (`npm run build -w extension`), lab/build (`npm run build -w lab`), /usr/bin/chromium, and
 * /usr/bin/python3 with Debian's python3-jupyter-server and python3-jupyterlab-server.
 * Every request the browser makes to a host other than 127.0.0.1 is blocked and fails the test.
 */

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import type { Locator, Page } from "playwright-core";

import type { AgreementPayload } from "../../kernel/src/display/payloads";
import { DEFAULT_DISPLAY_NAME } from "../../kernel/src/jupyter/install/options";
import { makeTensor, onnx, ONNX_DATA_TYPE } from "../../kernel/src/onnx";
import { launchBrowser, type TestBrowser } from "../helpers/browser";
import { createHomeEnvironment } from "../helpers/home";
import { createJupyterSandbox, type JupyterSandbox } from "../helpers/jupyter";
import {
  assertDnaquantExtensionBuilt,
  assertLabBuilt,
  DNAQUANT_LABEXTENSION_DIR,
  type LabServer,
  startLabServer,
  stopLabServer,
} from "../helpers/lab-server";
import { ARTIFACTS_DIR } from "../helpers/paths";

const NOTEBOOK_NAME = "agreement-and-model.ipynb";

/** File name of the ONNX model with a node that stays in fp32, next to the notebook. */
const SKIPPED_NODE_MODEL_NAME = "skipped-node.onnx";

/** Number of promoter sequences compared. Comparing both models took about 1 s on the 2-core development machine. */
const SEQUENCE_COUNT = 4;

/** Returns the code cells of the notebook, run in order. */
function buildCodeCells(skippedNodeModelPath: string): string[] {
  return [
    [
      "import {",
      "  AGREEMENT_MIME_TYPE, BUNDLED_DATA, compareWithReference, display, loadModel, loadModelAndTokenizer,",
      "  readLabelledSequences, showAgreement,",
      '} from "dnaquant";',
    ].join("\n"),
    // The model as the last expression: the model view.
    ['const { model: nf4 } = await loadModelAndTokenizer(undefined, { loadIn4bit: true, quantType: "nf4" });', "nf4"].join("\n"),
    // INT8 gets a strict top-1 threshold, so its row warns; NF4 keeps the default thresholds.
    [
      "const { model: fp32 } = await loadModelAndTokenizer();",
      "const { model: int8 } = await loadModelAndTokenizer(undefined, { loadIn8bit: true });",
      `const sequences = readLabelledSequences(BUNDLED_DATA.promoterTest).slice(0, ${SEQUENCE_COUNT}).map((entry) => entry.sequence);`,
      "const results = [",
      "  await compareWithReference(int8, fp32, sequences, { thresholds: { minTop1Agreement: 0.999 } }),",
      "  await compareWithReference(nf4, fp32, sequences),",
      "];",
      "showAgreement(results, [int8, nf4]);",
    ].join("\n"),
    [`const mixed = await loadModel(${JSON.stringify(skippedNodeModelPath)}, { loadIn4bit: true });`, "mixed"].join("\n"),
    // A top-1 agreement given in percent instead of as a share.
    [
      "display({ data: { [AGREEMENT_MIME_TYPE]: {",
      '  version: 1, model: "tiny-dnabert2", rows: [{ scheme: "nf4", sequences: 4, top1Agreement: 95, warnings: [] }],',
      "} } });",
    ].join("\n"),
  ];
}

/** Number of linear layers of the bundled tiny-dnabert2. */
const LINEAR_LAYER_COUNT = 18;

/**
 * Stored bytes of NF4 linear weights with block size 64 against fp32: 4 bits per weight plus one
 * float32 absmax per 64 weights, (0.5 + 4 / 64) / 4 = 0.140625.
 */
const NF4_BLOCK_64_RATIO = "0.141×";

/** Bound for the page load, kernel start and each wait for one element. Loading took 6 to 7 s on the 2-core development machine. */
const STEP_TIMEOUT_MS = 60_000;

/** Bound for running all cells: loading three models, comparing and display took about 4 s on the 2-core development machine. */
const NOTEBOOK_RUN_TIMEOUT_MS = 180_000;

/** JupyterLab's MIME type of stderr stream outputs. */
const STDERR_MIME_TYPE = "application/vnd.jupyter.stderr";

/** CSS class of the root node of the agreement renderer. */
const AGREEMENT_CLASS = "dq-RenderedAgreement";

/** CSS class of the root node of the model renderer. */
const MODEL_CLASS = "dq-RenderedModel";

/**
 * Returns a small ONNX model with input X `[2, batch, 64]`: a MatMul with a `[2, 64, 64]` weight,
 * which is not a matrix and so stays in fp32, followed by a MatMul with a `[64, 64]` weight.
 */
function buildSkippedNodeModel(): Uint8Array {
  const size = 64;
  const perHead = Float32Array.from({ length: 2 * size * size }, (_, i) => Math.sin(i) / 8);
  const dense = Float32Array.from({ length: size * size }, (_, i) => Math.cos(i) / 8);
  const valueInfo = (name: string) =>
    onnx.ValueInfoProto.create({
      name,
      type: {
        tensorType: {
          elemType: ONNX_DATA_TYPE.FLOAT,
          shape: { dim: [{ dimValue: 2 }, { dimParam: "batch" }, { dimValue: size }] },
        },
      },
    });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    producerName: "dnaquant-tests",
    graph: {
      name: "skipped-node",
      node: [
        { name: "/per_head/MatMul", opType: "MatMul", input: ["X", "W_heads"], output: ["H"] },
        { name: "/dense/MatMul", opType: "MatMul", input: ["H", "W_dense"], output: ["Y"] },
      ],
      initializer: [
        makeTensor("W_heads", ONNX_DATA_TYPE.FLOAT, [2, size, size], perHead),
        makeTensor("W_dense", ONNX_DATA_TYPE.FLOAT, [size, size], dense),
      ],
      input: [valueInfo("X")],
      output: [valueInfo("Y")],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Returns the notebook that the test runs, as nbformat 4 JSON. */
function buildNotebook(cells: readonly string[]): string {
  return JSON.stringify(
    {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        kernelspec: { display_name: DEFAULT_DISPLAY_NAME, language: "typescript", name: "dnaquant" },
        language_info: { name: "typescript", file_extension: ".ts", mimetype: "text/typescript" },
      },
      cells: cells.map((source, index) => ({
        cell_type: "code",
        id: `cell-${index}`,
        metadata: {},
        execution_count: null,
        outputs: [],
        source,
      })),
    },
    null,
    1,
  );
}

/** Returns the texts of all outputs with MIME type `mimeType`, in notebook order. */
function outputTexts(page: Page, mimeType: string): Promise<string[]> {
  return page.locator(`.jp-NotebookPanel .jp-OutputArea-output[data-mime-type="${mimeType}"]`).allTextContents();
}

/** Returns the text of each cell of each body row of `table`, row by row. */
function readTableBody(table: Locator): Promise<string[][]> {
  return table.locator("tbody tr").evaluateAll((rows: { cells: ArrayLike<{ textContent: string | null }> }[]) =>
    rows.map((row) => Array.from(row.cells, (cell) => cell.textContent ?? "")),
  );
}

/** Returns the labels and values of a two-column table of labelled values. */
async function readFacts(table: Locator): Promise<Map<string, string>> {
  const rows = await table.locator("tbody tr").evaluateAll((elements: { textContent: string | null; children: ArrayLike<{ textContent: string | null }> }[]) =>
    elements.map((row) => [row.children[0]!.textContent ?? "", row.children[1]!.textContent ?? ""] as [string, string]),
  );
  return new Map(rows);
}

/** Returns how many bar paths inside `plot` have a positive height on screen. */
function countVisibleBars(plot: Locator): Promise<number> {
  return plot
    .locator(".main-svg .barlayer .trace.bars .point path")
    .evaluateAll((paths: { getBoundingClientRect(): { height: number } }[]) =>
      paths.filter((path) => path.getBoundingClientRect().height > 0).length,
    );
}

/** Reads the agreement payload from the saved notebook, or undefined while it is not saved. */
function readSavedAgreementPayload(notebookPath: string): AgreementPayload | undefined {
  const notebook = JSON.parse(readFileSync(notebookPath, "utf8")) as { cells: { outputs: { data?: Record<string, unknown> }[] }[] };
  const output = notebook.cells.flatMap((cell) => cell.outputs).find((candidate) => candidate.data?.["application/vnd.dnaquant.agreement+json"]);
  return output?.data!["application/vnd.dnaquant.agreement+json"] as AgreementPayload | undefined;
}

describe("agreement and model views in JupyterLab", { timeout: 8 * STEP_TIMEOUT_MS + NOTEBOOK_RUN_TIMEOUT_MS }, () => {
  const scratch = mkdtempSync(join(tmpdir(), "dnaquant-agreement-browser-"));
  const notebookDir = join(scratch, "notebooks");
  const notebookPath = join(notebookDir, NOTEBOOK_NAME);
  const codeCells = buildCodeCells(join(notebookDir, SKIPPED_NODE_MODEL_NAME));

  let sandbox: JupyterSandbox | undefined;
  let server: LabServer | undefined;
  let browser: TestBrowser | undefined;
  let page: Page;
  let agreementViews: Locator;
  let modelViews: Locator;
  let payload: AgreementPayload;

  before(async () => {
    // Check the builds this test needs. createJupyterSandbox below checks kernel/dist.
    assertLabBuilt();
    assertDnaquantExtensionBuilt();

    mkdirSync(notebookDir);
    writeFileSync(join(notebookDir, SKIPPED_NODE_MODEL_NAME), buildSkippedNodeModel());
    writeFileSync(notebookPath, buildNotebook(codeCells));

    // The dnaquant kernel spec and all Jupyter folders live in the sandbox's temporary prefix,
    // and the server and kernel get a temporary home (onnxruntime-node writes a cache there).
    sandbox = createJupyterSandbox("dnaquant-agreement-browser-jupyter-");
    const env = { ...sandbox.env, ...createHomeEnvironment(join(scratch, "server-home")) };
    const args = ["--port", "0", "--notebook-dir", notebookDir, "--labextensions-path", DNAQUANT_LABEXTENSION_DIR];
    server = await startLabServer(args, env);

    // A tall viewport shows each output whole, so that its screenshot is not cut off.
    browser = await launchBrowser(join(scratch, "chromium"), { viewport: { width: 1280, height: 2400 } });
    page = browser.page;
    agreementViews = page.locator(`.jp-NotebookPanel .jp-OutputArea-output.${AGREEMENT_CLASS}`);
    modelViews = page.locator(`.jp-NotebookPanel .jp-OutputArea-output.${MODEL_CLASS}`);
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
  });

  after(async () => {
    try {
      await browser?.close();
      if (server) {
        await stopLabServer(server);
      }
    } finally {
      sandbox?.remove();
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it("runs the notebook on the dnaquant kernel", async () => {
    await page.goto(server!.url.href);
    await page.locator(".jp-DirListing-item", { hasText: NOTEBOOK_NAME }).dblclick({ timeout: STEP_TIMEOUT_MS });
    await page.locator(".jp-NotebookPanel .jp-CodeCell").first().waitFor({ timeout: STEP_TIMEOUT_MS });
    await page.getByText(`${DEFAULT_DISPLAY_NAME} | Idle`).waitFor({ timeout: STEP_TIMEOUT_MS });

    await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click();
    await page.locator(".lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }).click();

    // A queued or running cell shows [*] until its reply arrives.
    const prompts = page.locator(".jp-NotebookPanel .jp-CodeCell .jp-InputPrompt");
    await prompts.filter({ hasText: "[*]:" }).first().waitFor({ state: "detached", timeout: NOTEBOOK_RUN_TIMEOUT_MS });
    await page.getByText(`${DEFAULT_DISPLAY_NAME} | Idle`).waitFor({ timeout: STEP_TIMEOUT_MS });

    assert.deepEqual(await prompts.allTextContents(), codeCells.map((_, i) => `[${i + 1}]:`));
  });

  it("saves the notebook with the agreement payload", async () => {
    await page.locator(".jp-NotebookPanel").first().click();
    await page.keyboard.press("Control+s");

    const deadline = Date.now() + STEP_TIMEOUT_MS;
    let saved = readSavedAgreementPayload(notebookPath);
    while (saved === undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      saved = readSavedAgreementPayload(notebookPath);
    }
    assert.ok(saved, `${NOTEBOOK_NAME} has no agreement output after ${STEP_TIMEOUT_MS} ms`);
    payload = saved;

    assert.deepEqual(payload.rows.map((row) => row.scheme), ["int8", "nf4"]);
    assert.ok(payload.rows[0]!.warnings.length > 0, "the INT8 row has no warning under the 0.999 top-1 threshold");
  });

  it("shows the model's warnings on stderr", async () => {
    // compareWithReference sends each warning through the model's warn callback, which is
    // console.warn with a "dnaquant: " prefix unless the load options give another.
    const stderr = await outputTexts(page, STDERR_MIME_TYPE);
    const warnings = payload.rows.flatMap((row) => row.warnings.map((warning) => `dnaquant: ${warning}`));
    assert.equal(stderr.length, 1, `stderr outputs: ${JSON.stringify(stderr)}`);
    assert.deepEqual(stderr[0]!.trim().split("\n"), warnings);
  });

  it("renders the model with the extension", async () => {
    assert.equal(await modelViews.count(), 2, "expected two outputs rendered by the model renderer");
    const view = modelViews.first();

    assert.match(
      (await view.locator(`.${MODEL_CLASS}-header`).textContent()) ?? "",
      new RegExp(
        `^Model: tiny-dnabert2 · nf4, block size 64 · ${LINEAR_LAYER_COUNT} of ${LINEAR_LAYER_COUNT} ` +
          "linear layers quantized · \\d+\\.\\d\\d KiB$",
      ),
    );

    // The text fallback of the model output is not shown.
    const fallbacks = page.locator('.jp-NotebookPanel .jp-OutputArea-output[data-mime-type="text/plain"]');
    assert.equal(await fallbacks.count(), 0, "a text/plain fallback is shown");
  });

  it("shows the load details and footprint", async () => {
    const view = modelViews.first();
    const [load, footprint] = await Promise.all(
      [0, 1].map((index) => readFacts(view.locator(`.${MODEL_CLASS}-facts`).nth(index))),
    );

    assert.equal(load.get("Name"), "tiny-dnabert2");
    assert.equal(load.get("Scheme"), "nf4");
    assert.equal(load.get("Block size"), "64 values");
    assert.equal(load.get("Source"), "(bundled tiny-dnabert2)");
    assert.match(load.get("File") ?? "", /kernel\/models\/tiny-dnabert2\/model\.onnx$/);
    assert.match(load.get("Load time") ?? "", /^(\d+ ms|\d+\.\d\d s)$/);
    assert.equal(load.has("Hub model"), false, "a bundled model has no hub model id");

    assert.deepEqual(
      [...footprint.keys()],
      ["Total", "Quantized codes", "Quantization metadata", "Unquantized tensors", "Linear weights"],
    );
    assert.match(footprint.get("Quantized codes") ?? "", /^\d+\.\d\d KiB \(\d+\.\d%\)$/);
    assert.match(
      footprint.get("Linear weights") ?? "",
      new RegExp(`^\\d+\\.\\d\\d KiB stored, \\d+\\.\\d\\d MiB in fp32 \\(${NF4_BLOCK_64_RATIO} of fp32\\)$`),
    );
  });

  it("lists the linear layers", async () => {
    const view = modelViews.first();
    const rows = await readTableBody(view.locator(`.${MODEL_CLASS}-layers`));

    assert.equal(rows.length, LINEAR_LAYER_COUNT);
    assert.deepEqual(rows[0], ["1", "/layers.0/Wqkv/MatMul", "128 × 384", "nf4", "27.00 KiB", NF4_BLOCK_64_RATIO]);
    assert.ok(rows.every((row) => row[3] === "nf4"), "a layer of the NF4 model is not NF4");
    assert.equal(
      await view.locator(`.${MODEL_CLASS}-skipped`).textContent(),
      "No linear-looking node was left in fp32.",
    );

    await view.scrollIntoViewIfNeeded();
    await view.screenshot({ path: join(ARTIFACTS_DIR, "model-view.png") });
  });

  it("highlights a node left in fp32 with its reason", async () => {
    const view = modelViews.nth(1);
    const skipped = view.locator(`.${MODEL_CLASS}-skipped`);

    assert.equal(await skipped.getAttribute("class"), `${MODEL_CLASS}-skipped mod-warning`);
    assert.equal(await skipped.locator(`.${MODEL_CLASS}-sectionTitle`).textContent(), "1 linear-looking node was left in fp32");
    assert.deepEqual(await skipped.locator("li").allTextContents(), [
      "/per_head/MatMul: weight of rank 3 (shape [2, 64, 64]) is not a matrix",
    ]);
    const rows = await readTableBody(view.locator(`.${MODEL_CLASS}-layers`));
    assert.deepEqual(rows, [["1", "/dense/MatMul", "64 × 64", "nf4", "2.25 KiB", NF4_BLOCK_64_RATIO]]);

    await view.scrollIntoViewIfNeeded();
    await view.screenshot({ path: join(ARTIFACTS_DIR, "model-view-skipped.png") });
  });

  it("renders the agreement table with a row per scheme", async () => {
    assert.equal(await agreementViews.count(), 2, "expected two outputs rendered by the agreement renderer");
    const view = agreementViews.first();
    const warned = payload.rows.filter((row) => row.warnings.length > 0).length;

    assert.equal(
      await view.locator(`.${AGREEMENT_CLASS}-header`).textContent(),
      `Agreement with fp32: tiny-dnabert2 · 2 schemes · ${warned} with warnings`,
    );
    const rows = await readTableBody(view.locator(`.${AGREEMENT_CLASS}-table`));
    assert.equal(rows.length, 2);
    for (const [index, row] of rows.entries()) {
      const expected = payload.rows[index]!;
      const sign = expected.warnings.length > 0 ? "⚠" : "";
      assert.equal(row[0], `${sign}${expected.scheme}`);
      assert.equal(row[1], `${SEQUENCE_COUNT} sequences, ${expected.maskedPositions} masked positions`);
      assert.equal(row[2], expected.meanCosine!.toFixed(5));
      assert.equal(row[4], `${(expected.top1Agreement! * 100).toFixed(1)}%`);
      assert.match(row[5]!, /^\d/, "mean KL is not a number");
      assert.match(row[6]!, /^\d+\.\d\d (KiB|MiB)$/);
    }

    // The SVG and text fallbacks of the agreement output are not shown.
    const fallbacks = page.locator('.jp-NotebookPanel .jp-OutputArea-output[data-mime-type="image/svg+xml"]');
    assert.equal(await fallbacks.count(), 0, "an SVG fallback is shown");
  });

  it("marks the rows with warnings and lists the messages", async () => {
    const view = agreementViews.first();
    const tableRows = view.locator(`.${AGREEMENT_CLASS}-table tbody tr`);

    for (const [index, expected] of payload.rows.entries()) {
      const row = tableRows.nth(index);
      const hasWarnings = expected.warnings.length > 0;
      const marked = await row.evaluate((element: { classList: { contains(name: string): boolean } }) =>
        element.classList.contains("mod-warning"),
      );
      assert.equal(marked, hasWarnings, `mod-warning on the ${expected.scheme} row`);
      assert.equal(await row.locator(`.${AGREEMENT_CLASS}-warningIcon`).count(), hasWarnings ? 1 : 0, `icon of ${expected.scheme}`);
    }
    assert.ok(payload.rows.some((row) => row.warnings.length === 0), "expected the NF4 row within the default thresholds");

    // The highlight is visible: the warning row's background differs from the other row's.
    type StyledElement = { ownerDocument: { defaultView: { getComputedStyle(element: unknown): { backgroundColor: string } } } };
    const background = (index: number) =>
      tableRows.nth(index).evaluate((element: StyledElement) => element.ownerDocument.defaultView.getComputedStyle(element).backgroundColor);
    assert.notEqual(await background(0), await background(1));

    const listed = await view.locator(`.${AGREEMENT_CLASS}-warnings li`).allTextContents();
    assert.deepEqual(listed, payload.rows.flatMap((row) => row.warnings.map((message) => `⚠${message}`)));
  });

  it("draws bars of top-1 agreement and mean cosine", async () => {
    const view = agreementViews.first();
    const plot = view.locator(`.${AGREEMENT_CLASS}-plot`);
    await plot.locator(".main-svg .barlayer .trace.bars .point path").first().waitFor({ timeout: STEP_TIMEOUT_MS });
    assert.equal(await view.locator(`.${AGREEMENT_CLASS}-status`).textContent(), "");

    const legend = await plot.locator(".main-svg .legend .legendtext").allTextContents();
    assert.deepEqual(legend, ["Top-1 agreement", "Mean embedding cosine"]);
    await view.scrollIntoViewIfNeeded();
    assert.equal(await countVisibleBars(plot), 4, "expected 2 schemes × 2 metrics bars with a positive height");
    const ticks = await plot.locator(".main-svg .xtick text").allTextContents();
    assert.deepEqual(ticks, payload.rows.map((row) => (row.warnings.length > 0 ? `⚠ ${row.scheme}` : row.scheme)));

    await view.screenshot({ path: join(ARTIFACTS_DIR, "agreement-view.png") });
  });

  it("explains an invalid agreement value", async () => {
    const message = agreementViews.nth(1).locator(".dq-RenderedMessage.mod-error");

    assert.equal(await message.getAttribute("role"), "alert");
    assert.equal(
      await message.locator(".dq-RenderedMessage-title").textContent(),
      "Cannot show the agreement with fp32: this dnaquant agreement output is invalid.",
    );
    assert.equal(
      await message.locator(".dq-RenderedMessage-detail").textContent(),
      "payload.rows[0].top1Agreement must be in [0, 1], but it is 95.",
    );
  });

  it("follows the dark theme", async () => {
    const view = agreementViews.first();
    const plot = view.locator(`.${AGREEMENT_CLASS}-plot`);
    // plotly.js sets the fill of its text in the style attribute.
    const titleColor = () => plot.locator(".main-svg .gtitle").first().evaluate((title: { style: { fill: string } }) => title.style.fill);
    const lightColor = await titleColor();

    await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Settings$/ }).click();
    await page.locator(".lm-Menu-itemLabel", { hasText: /^Theme$/ }).click();
    await page.locator(".lm-Menu-itemLabel", { hasText: /^JupyterLab Dark$/ }).click();
    await page.locator('body[data-jp-theme-light="false"]').waitFor({ state: "attached", timeout: STEP_TIMEOUT_MS });

    const deadline = Date.now() + STEP_TIMEOUT_MS;
    while ((await titleColor()) === lightColor && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.notEqual(await titleColor(), lightColor, "the plot title kept its light-theme color");
    await view.scrollIntoViewIfNeeded();
    await view.screenshot({ path: join(ARTIFACTS_DIR, "agreement-view-dark.png") });

    const modelView = modelViews.nth(1);
    await modelView.scrollIntoViewIfNeeded();
    await modelView.screenshot({ path: join(ARTIFACTS_DIR, "model-view-dark.png") });
  });

  it("sends no request to other hosts", () => {
    assert.deepEqual(browser!.blockedRequests, []);
  });

  it("logs no browser errors", () => {
    assert.deepEqual(browser!.errors, []);
  });
});
