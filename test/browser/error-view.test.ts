/**
 * Browser test of the error view and the normalized weights view of the dnaquant-jupyterlab
 * extension. It writes a notebook into a temporary folder that loads the bundled tiny-dnabert2
 * with NF4 weights, analyzes its quantization error under the default schemes and shows the error
 * and weights outputs. The notebook runs on the built dnaquant kernel in the local JupyterLab host
 * (lab/) in Debian's headless Chromium. The test then uses the views as a user would: it switches
 * the metric, selects layers from the list and from the table, sorts the table, opens the
 * normalized weights view and switches to the dark theme. Screenshots go to the artifacts folder
 * (DNAQUANT_TEST_ARTIFACTS, default test-artifacts/): error-view-sqnr.png,
 * error-view-relative-mse.png, error-view-dark.png and weights-normalized.png.
 *
 * Needs kernel/dist (`node node_modules/typescript/bin/tsc -b kernel`), extension/labextension
 * (`npm run build -w extension`), lab/build (`npm run build -w lab`), /usr/bin/chromium, and
 * /usr/bin/python3 with Debian's python3-jupyter-server and python3-jupyterlab-server.
 * Every request the browser makes to a host other than 127.0.0.1 is blocked and fails the test.
 */

import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import type { Locator, Page } from "playwright-core";

import { DEFAULT_DISPLAY_NAME } from "../../kernel/src/jupyter/install/options";
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

const NOTEBOOK_NAME = "error-view.ipynb";

/** Code cells of the notebook, run in order. */
const CODE_CELLS = [
  'import { analyzeQuantizationError, display, ERROR_MIME_TYPE, loadModelAndTokenizer, showError, showWeights } from "dnaquant";',
  [
    'const { model } = await loadModelAndTokenizer(undefined, { loadIn4bit: true, quantType: "nf4", blockSize: 64 });',
    "const errors = await analyzeQuantizationError(model);",
    "showError(errors);",
  ].join("\n"),
  "showWeights(model);",
  // An output of a payload version that this extension does not know.
  "display({ data: { [ERROR_MIME_TYPE]: { ...errors, version: 2 } } });",
];

/** Number of linear layers of the bundled tiny-dnabert2. */
const LINEAR_LAYER_COUNT = 18;

/** Labels of analyzeQuantizationError's default schemes, in payload order. */
const SCHEME_LABELS = ["INT8 per row", "NF4 (block 64)", "FP4 (block 64)", "int4 (block 32)"];

/** Bound for the page load, kernel start and each wait for one element. Loading took 6 to 7 s on the 2-core development machine. */
const STEP_TIMEOUT_MS = 60_000;

/** Bound for running all cells: loading, analysis and display took about 5 s on the 2-core development machine. */
const NOTEBOOK_RUN_TIMEOUT_MS = 180_000;

/** JupyterLab's MIME type of stderr stream outputs. It shows error outputs under the same type. */
const STDERR_MIME_TYPE = "application/vnd.jupyter.stderr";

/** CSS class of the root node of the error renderer. */
const ERROR_CLASS = "dq-RenderedError";

/** CSS class of the root node of the weights renderer. */
const WEIGHTS_CLASS = "dq-RenderedWeights";

/** Axis titles of the grouped bars for each metric. */
const SQNR_AXIS_TITLE = "SQNR (dB), higher is better";
const RELATIVE_MSE_AXIS_TITLE = "Relative MSE, lower is better";

/** The parts of a plotly.js graph div that the test reads: the figure that plotly.js drew last. */
interface GraphDiv {
  layout: { yaxis: { type: string }; xaxis: { title?: { text?: string } } };
  data: Array<{ type: string; name: string }>;
}

/** Returns the notebook that the test runs, as nbformat 4 JSON. */
function buildNotebook(): string {
  return JSON.stringify(
    {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        kernelspec: { display_name: DEFAULT_DISPLAY_NAME, language: "typescript", name: "dnaquant" },
        language_info: { name: "typescript", file_extension: ".ts", mimetype: "text/typescript" },
      },
      cells: CODE_CELLS.map((source, index) => ({
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

/** Returns how many bar paths inside `plot` have a positive height on screen. */
function countVisibleBars(plot: Locator): Promise<number> {
  return plot
    .locator(".main-svg .barlayer .trace.bars .point path")
    .evaluateAll((paths: { getBoundingClientRect(): { height: number } }[]) =>
      paths.filter((path) => path.getBoundingClientRect().height > 0).length,
    );
}

/** Returns the figure that plotly.js drew into `plot` last. */
function readFigure(plot: Locator): Promise<GraphDiv> {
  return plot.evaluate((element) => {
    const graph = element as unknown as GraphDiv;
    return {
      layout: { yaxis: { type: graph.layout.yaxis.type }, xaxis: { title: { text: graph.layout.xaxis.title?.text } } },
      data: graph.data.map((trace) => ({ type: trace.type, name: trace.name })),
    };
  });
}

/** Returns the title text of the plot in `plot`, as plotly.js draws it. */
function plotTitle(plot: Locator): Promise<string | null> {
  return plot.locator(".main-svg .gtitle").first().textContent();
}

/** Waits until `read` returns `expected`, polling every 100 ms, and fails after STEP_TIMEOUT_MS. */
async function waitForValue<T>(read: () => Promise<T>, expected: T, what: string): Promise<void> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let value = await read();
  while (JSON.stringify(value) !== JSON.stringify(expected)) {
    if (Date.now() > deadline) {
      assert.fail(`${what} is ${JSON.stringify(value)} after ${STEP_TIMEOUT_MS} ms, expected ${JSON.stringify(expected)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
}

/** Parses a metric cell of the layer table: `20.7 dB`, `8.55e-3`, `∞` or `–` (missing). */
function parseMetricCell(text: string): number {
  if (text === "∞") {
    return Infinity;
  }
  return Number.parseFloat(text);
}

describe("error view in JupyterLab", { timeout: 6 * STEP_TIMEOUT_MS + NOTEBOOK_RUN_TIMEOUT_MS }, () => {
  const scratch = mkdtempSync(join(tmpdir(), "dnaquant-error-view-browser-"));
  const notebookDir = join(scratch, "notebooks");
  const notebookPath = join(notebookDir, NOTEBOOK_NAME);

  let sandbox: JupyterSandbox | undefined;
  let server: LabServer | undefined;
  let browser: TestBrowser | undefined;
  let page: Page;
  let errorView: Locator;
  let barsPlot: Locator;
  let histogramPlot: Locator;

  before(async () => {
    // Check the builds this test needs. createJupyterSandbox below checks kernel/dist.
    assertLabBuilt();
    assertDnaquantExtensionBuilt();

    mkdirSync(notebookDir);
    writeFileSync(notebookPath, buildNotebook());

    // The dnaquant kernel spec and all Jupyter folders live in the sandbox's temporary prefix,
    // and the server and kernel get a temporary home (onnxruntime-node writes a cache there).
    sandbox = createJupyterSandbox("dnaquant-error-view-browser-jupyter-");
    const env = { ...sandbox.env, ...createHomeEnvironment(join(scratch, "server-home")) };
    const args = ["--port", "0", "--notebook-dir", notebookDir, "--labextensions-path", DNAQUANT_LABEXTENSION_DIR];
    server = await startLabServer(args, env);

    // A tall viewport shows each output whole, so that its screenshot is not cut off.
    browser = await launchBrowser(join(scratch, "chromium"), { viewport: { width: 1280, height: 2400 } });
    page = browser.page;
    errorView = page.locator(`.jp-NotebookPanel .jp-OutputArea-output.${ERROR_CLASS}`);
    barsPlot = errorView.locator(`.${ERROR_CLASS}-bars`);
    histogramPlot = errorView.locator(`.${ERROR_CLASS}-histogram`);
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

    assert.deepEqual(await prompts.allTextContents(), CODE_CELLS.map((_, i) => `[${i + 1}]:`));
    assert.deepEqual(await outputTexts(page, STDERR_MIME_TYPE), []);
  });

  it("renders the error output with the extension", async () => {
    assert.equal(await errorView.count(), 2, "expected two outputs rendered by the error renderer");
    errorView = errorView.first();
    barsPlot = errorView.locator(`.${ERROR_CLASS}-bars`);
    histogramPlot = errorView.locator(`.${ERROR_CLASS}-histogram`);
    assert.equal(
      await errorView.locator(`.${ERROR_CLASS}-header`).textContent(),
      `Quantization error: tiny-dnabert2 · ${LINEAR_LAYER_COUNT} linear layers · ${SCHEME_LABELS.length} schemes`,
    );

    // The SVG and text fallbacks of the same outputs are not shown.
    const fallbacks = page.locator(
      '.jp-NotebookPanel .jp-OutputArea-output[data-mime-type="image/svg+xml"], ' +
        '.jp-NotebookPanel .jp-OutputArea-output[data-mime-type="text/plain"]',
    );
    assert.equal(await fallbacks.count(), 0, "an SVG or text fallback is shown");
  });

  it("explains an unknown payload version", async () => {
    const message = page.locator(`.jp-NotebookPanel .jp-OutputArea-output.${ERROR_CLASS}`).nth(1).locator(".dq-RenderedMessage.mod-error");

    assert.equal(await message.getAttribute("role"), "alert");
    assert.equal(
      await message.locator(".dq-RenderedMessage-title").textContent(),
      "Cannot draw the quantization error: this dnaquant error output is invalid.",
    );
    assert.match((await message.locator(".dq-RenderedMessage-detail").textContent()) ?? "", /^payload\.version is 2, but this extension renders version 1 only\./);
  });

  it("draws grouped bars of SQNR per scheme", async () => {
    await barsPlot.locator(".main-svg .barlayer .trace.bars .point path").first().waitFor({ timeout: STEP_TIMEOUT_MS });
    assert.equal(await errorView.locator(`.${ERROR_CLASS}-status`).textContent(), "");

    const figure = await readFigure(barsPlot);
    assert.deepEqual(
      figure.data.map((trace) => [trace.type, trace.name]),
      SCHEME_LABELS.map((label) => ["bar", label]),
    );
    assert.equal(await barsPlot.locator(".main-svg .barlayer .trace.bars").count(), SCHEME_LABELS.length);
    await errorView.scrollIntoViewIfNeeded();
    const bars = await countVisibleBars(barsPlot);
    assert.equal(bars, LINEAR_LAYER_COUNT * SCHEME_LABELS.length, `${bars} bars have a positive height`);

    assert.equal(await barsPlot.locator(".main-svg .g-ytitle").textContent(), SQNR_AXIS_TITLE);
    assert.equal(figure.layout.yaxis.type, "linear");
    await errorView.screenshot({ path: join(ARTIFACTS_DIR, "error-view-sqnr.png") });
  });

  it("sorts the table by the lowest-bit scheme, most error first", async () => {
    const caption = await errorView.locator(`.${ERROR_CLASS}-table caption`).textContent();
    assert.match(caption ?? "", /^Layers by SQNR \(dB\) under NF4 \(block 64\), most error first\./);

    const rows = errorView.locator(`.${ERROR_CLASS}-table tbody tr`);
    assert.equal(await rows.count(), LINEAR_LAYER_COUNT);
    const values = (await errorView.locator(`.${ERROR_CLASS}-table tbody td.mod-sorted`).allTextContents()).map(parseMetricCell);
    assert.equal(values.length, LINEAR_LAYER_COUNT);
    for (let i = 1; i < values.length; i++) {
      assert.ok(values[i - 1]! <= values[i]!, `SQNR of row ${i} (${values[i - 1]}) is above row ${i + 1} (${values[i]})`);
    }
  });

  it("switches the metric to relative MSE on a log axis", async () => {
    await errorView.locator(`.${ERROR_CLASS}-controls select`).first().selectOption("relativeMse");

    await waitForValue(() => barsPlot.locator(".main-svg .g-ytitle").textContent(), RELATIVE_MSE_AXIS_TITLE, "the y-axis title");
    assert.equal((await readFigure(barsPlot)).layout.yaxis.type, "log");
    assert.equal(await countVisibleBars(barsPlot), LINEAR_LAYER_COUNT * SCHEME_LABELS.length);

    // The table now ranks by relative MSE, largest first.
    const values = (await errorView.locator(`.${ERROR_CLASS}-table tbody td.mod-sorted`).allTextContents()).map(parseMetricCell);
    for (let i = 1; i < values.length; i++) {
      assert.ok(values[i - 1]! >= values[i]!, `relative MSE of row ${i} (${values[i - 1]}) is below row ${i + 1} (${values[i]})`);
    }
    await errorView.screenshot({ path: join(ARTIFACTS_DIR, "error-view-relative-mse.png") });
  });

  it("sorts by another scheme from its heading", async () => {
    const int8Heading = errorView.locator(`.${ERROR_CLASS}-table thead th`, { hasText: SCHEME_LABELS[0]! });
    await int8Heading.locator("button").click();
    assert.equal(await int8Heading.getAttribute("aria-sort"), "descending");
    let values = (await errorView.locator(`.${ERROR_CLASS}-table tbody td.mod-sorted`).allTextContents()).map(parseMetricCell);
    for (let i = 1; i < values.length; i++) {
      assert.ok(values[i - 1]! >= values[i]!, `INT8 relative MSE of row ${i} is below row ${i + 1}: ${values}`);
    }

    // A second click reverses the order.
    await int8Heading.locator("button").click();
    assert.equal(await int8Heading.getAttribute("aria-sort"), "ascending");
    values = (await errorView.locator(`.${ERROR_CLASS}-table tbody td.mod-sorted`).allTextContents()).map(parseMetricCell);
    for (let i = 1; i < values.length; i++) {
      assert.ok(values[i - 1]! <= values[i]!, `INT8 relative MSE of row ${i} is above row ${i + 1}: ${values}`);
    }
  });

  it("draws one error histogram panel per scheme", async () => {
    await histogramPlot.locator(".main-svg .barlayer .trace.bars").first().waitFor({ timeout: STEP_TIMEOUT_MS });
    assert.equal(await histogramPlot.locator(".main-svg .barlayer .trace.bars").count(), SCHEME_LABELS.length);
    assert.ok((await countVisibleBars(histogramPlot)) > 0, "no error histogram bar has a positive height");
    assert.equal(await plotTitle(histogramPlot), "Error histogram: /layers.0/Wqkv/MatMul");
  });

  it("updates the histogram when a layer is selected", async () => {
    const layerSelect = errorView.locator(`.${ERROR_CLASS}-controls select`).nth(1);
    await layerSelect.selectOption({ label: "4. /layers.0/wo/MatMul" });
    await waitForValue(() => plotTitle(histogramPlot), "Error histogram: /layers.0/wo/MatMul", "the histogram title");
    const selectedRow = errorView.locator(`.${ERROR_CLASS}-table tbody tr.mod-selected`);
    assert.equal(await selectedRow.locator("td").nth(1).textContent(), "/layers.0/wo/MatMul");
  });

  it("selects the layer of a clicked table row", async () => {
    const row = errorView.locator(`.${ERROR_CLASS}-table tbody tr`).nth(2);
    const name = await row.locator("td").nth(1).textContent();
    assert.ok(name, "the third row has no layer name");
    await row.click();

    await waitForValue(() => plotTitle(histogramPlot), `Error histogram: ${name}`, "the histogram title");
    assert.equal(await row.getAttribute("class"), "mod-selected");
    const selectedOption = await errorView
      .locator(`.${ERROR_CLASS}-controls select`)
      .nth(1)
      .evaluate((select: { selectedOptions: ArrayLike<{ textContent: string | null }> }) => select.selectedOptions[0]!.textContent);
    assert.match(selectedOption ?? "", new RegExp(`^\\d+\\. ${name!.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`));
  });

  it("shows the normalized weights with code levels", async () => {
    const weights = page.locator(`.jp-NotebookPanel .jp-OutputArea-output.${WEIGHTS_CLASS}`);
    assert.equal(await weights.count(), 1, "expected one output rendered by the weights renderer");
    const plot = weights.locator(`.${WEIGHTS_CLASS}-plot`);
    await plot.locator(".main-svg .barlayer .trace.bars").first().waitFor({ timeout: STEP_TIMEOUT_MS });

    await weights.locator(`.${WEIGHTS_CLASS}-controls select`).nth(1).selectOption("normalized");
    await waitForValue(
      async () => (await readFigure(plot)).layout.xaxis.title?.text,
      "Weight / block absmax",
      "the x-axis title",
    );

    // One bar trace, the INT8 grid and the NF4 levels; the FP4 switch adds the FP4 levels.
    const names = async () => (await readFigure(plot)).data.map((trace) => trace.name);
    assert.deepEqual(await names(), ["/layers.0/Wqkv/MatMul", "INT8 grid (k / 127)", "NF4 levels"]);
    assert.equal(await plot.locator(".main-svg .scatterlayer .trace").count(), 2);
    const legend = await plot.locator(".main-svg .legend .legendtext").allTextContents();
    assert.deepEqual(legend.slice(-2), ["INT8 grid (k / 127)", "NF4 levels"]);

    await weights.getByLabel("FP4 levels").check();
    await waitForValue(names, ["/layers.0/Wqkv/MatMul", "INT8 grid (k / 127)", "NF4 levels", "FP4 levels"], "the traces");
    await weights.getByLabel("FP4 levels").uncheck();
    await waitForValue(names, ["/layers.0/Wqkv/MatMul", "INT8 grid (k / 127)", "NF4 levels"], "the traces");

    await weights.scrollIntoViewIfNeeded();
    assert.ok((await countVisibleBars(plot)) > 0, "no normalized histogram bar has a positive height");
    await weights.screenshot({ path: join(ARTIFACTS_DIR, "weights-normalized.png") });
  });

  it("follows the dark theme", async () => {
    // plotly.js sets the fill of its text in the style attribute.
    const titleColor = () =>
      barsPlot.locator(".main-svg .gtitle").first().evaluate((title: { style: { fill: string } }) => title.style.fill);
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
    await errorView.scrollIntoViewIfNeeded();
    await errorView.screenshot({ path: join(ARTIFACTS_DIR, "error-view-dark.png") });
  });

  it("saves SVG and text fallbacks in the notebook", async () => {
    await page.locator(".jp-NotebookPanel").first().click();
    await page.keyboard.press("Control+s");

    const deadline = Date.now() + STEP_TIMEOUT_MS;
    const savedOutputs = () => {
      const notebook = JSON.parse(readFileSync(notebookPath, "utf8")) as { cells: { outputs: { data?: Record<string, unknown> }[] }[] };
      return notebook.cells.flatMap((cell) => cell.outputs).filter((output) => output.data !== undefined);
    };
    while (savedOutputs().length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    const outputs = savedOutputs();
    assert.ok(existsSync(notebookPath));
    for (const mimeType of ["application/vnd.dnaquant.error+json", "application/vnd.dnaquant.weights+json"]) {
      const output = outputs.find((candidate) => candidate.data![mimeType] !== undefined);
      assert.ok(output, `no saved output has ${mimeType}`);
      const svg = output.data!["image/svg+xml"];
      const svgText = Array.isArray(svg) ? svg.join("") : svg;
      assert.equal(typeof svgText, "string", `the ${mimeType} output has no image/svg+xml`);
      assert.match(svgText as string, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.ok(output.data!["text/plain"], `the ${mimeType} output has no text/plain`);
    }
  });

  it("sends no request to other hosts", () => {
    assert.deepEqual(browser!.blockedRequests, []);
  });

  it("logs no browser errors", () => {
    assert.deepEqual(browser!.errors, []);
  });
});
