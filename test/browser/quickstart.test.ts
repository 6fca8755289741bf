/**
 * Browser test of notebooks/quickstart.ipynb. It opens a copy of the notebook in the local
 * JupyterLab host (lab/) in Debian's headless Chromium and runs all cells on the built dnaquant
 * kernel. Then it checks the page: the printed results, no errors, and the weight histograms
 * that the dnaquant-jupyterlab extension draws with plotly.js. Screenshots go to the artifacts
 * folder (DNAQUANT_TEST_ARTIFACTS, default test-artifacts/): quickstart.png and
 * quickstart-weights.png.
 *
 * Needs kernel/dist (`node node_modules/typescript/bin/tsc -b kernel`), extension/labextension
 * (`npm run build -w extension`), lab/build (`npm run build -w lab`), /usr/bin/chromium, and
 * /usr/bin/python3 with Debian's python3-jupyter-server and python3-jupyterlab-server.
 * Every request the browser makes to a host other than 127.0.0.1 is blocked and fails the test.
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
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
  findProcessIds,
  getServerJson,
  type LabServer,
  startLabServer,
  stopLabServer,
} from "../helpers/lab-server";
import { ARTIFACTS_DIR, REPO_ROOT } from "../helpers/paths";

const NOTEBOOK_NAME = "quickstart.ipynb";
const REPO_NOTEBOOK = join(REPO_ROOT, "notebooks", NOTEBOOK_NAME);
const SCREENSHOT = join(ARTIFACTS_DIR, "quickstart.png");
const WEIGHTS_SCREENSHOT = join(ARTIFACTS_DIR, "quickstart-weights.png");

/** Number of code cells in the quickstart notebook, each of which must run once, in order. */
const CODE_CELL_COUNT = 6;

/** Number of linear layers of the bundled tiny-dnabert2, as the weights output lists them. */
const LINEAR_LAYER_COUNT = 18;

/**
 * Bound for the page load, kernel start and each wait for one element. Loading JupyterLab, opening
 * the notebook and starting the kernel took 6 to 7 s on the 2-core development machine.
 */
const STEP_TIMEOUT_MS = 60_000;

/**
 * Bound for running all cells. The run took 2 to 4 s on the 2-core development machine. The
 * headless run of the same notebook allows 300 s per cell.
 */
const NOTEBOOK_RUN_TIMEOUT_MS = 180_000;

/** JupyterLab's MIME type of stderr stream outputs. It shows error outputs under the same type. */
const STDERR_MIME_TYPE = "application/vnd.jupyter.stderr";

/** JupyterLab's MIME type of stdout stream outputs. */
const STDOUT_MIME_TYPE = "application/vnd.jupyter.stdout";

/** CSS class of the root node of dnaquant-jupyterlab's weights renderer. */
const WEIGHTS_CLASS = "dq-RenderedWeights";

/** Start of the text/plain fallback that the weights output carries for front ends without the extension. */
const WEIGHTS_FALLBACK_TEXT = "Weight distributions of tiny-dnabert2";

/** Returns the SHA-256 of a file's bytes in hex. */
function hashFile(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** Returns the texts of all outputs with MIME type `mimeType`, in notebook order. */
function outputTexts(page: Page, mimeType: string): Promise<string[]> {
  return page.locator(`.jp-NotebookPanel .jp-OutputArea-output[data-mime-type="${mimeType}"]`).allTextContents();
}

/**
 * Returns how many bars of the plot in `plotArea` have a positive height on screen. plotly.js
 * draws a bar of an empty bin as a path of zero size.
 */
function countVisibleBars(plotArea: Locator): Promise<number> {
  return plotArea
    .locator(".main-svg .barlayer .trace.bars .point path")
    .evaluateAll((paths: { getBoundingClientRect(): { height: number } }[]) =>
      paths.filter((path) => path.getBoundingClientRect().height > 0).length,
    );
}

describe("quickstart notebook in JupyterLab", { timeout: 3 * STEP_TIMEOUT_MS + NOTEBOOK_RUN_TIMEOUT_MS }, () => {
  const scratch = mkdtempSync(join(tmpdir(), "dnaquant-quickstart-browser-"));
  const notebookDir = join(scratch, "notebooks");
  const repoNotebookHash = hashFile(REPO_NOTEBOOK);

  let sandbox: JupyterSandbox | undefined;
  let server: LabServer | undefined;
  let browser: TestBrowser | undefined;
  let page: Page;

  before(async () => {
    // Check the builds this test needs. createJupyterSandbox below checks kernel/dist.
    assertLabBuilt();
    assertDnaquantExtensionBuilt();

    // A copy of the notebook, because JupyterLab saves the notebook it runs.
    mkdirSync(notebookDir);
    copyFileSync(REPO_NOTEBOOK, join(notebookDir, NOTEBOOK_NAME));

    // The dnaquant kernel spec and all Jupyter folders live in the sandbox's temporary prefix.
    // The server and kernel get a temporary home too, because onnxruntime-node 1.31.1 in the
    // kernel writes a database to XDG_CACHE_HOME/Microsoft/DeveloperTools.
    sandbox = createJupyterSandbox("dnaquant-quickstart-browser-jupyter-");
    const env = { ...sandbox.env, ...createHomeEnvironment(join(scratch, "server-home")) };
    const args = ["--port", "0", "--notebook-dir", notebookDir, "--labextensions-path", DNAQUANT_LABEXTENSION_DIR];
    server = await startLabServer(args, env);

    browser = await launchBrowser(join(scratch, "chromium"));
    page = browser.page;
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

  it("opens the notebook with the dnaquant kernel", async () => {
    await page.goto(server!.url.href);
    await page.locator(".jp-DirListing-item", { hasText: NOTEBOOK_NAME }).dblclick({ timeout: STEP_TIMEOUT_MS });
    await page.locator(".jp-NotebookPanel .jp-CodeCell").first().waitFor({ timeout: STEP_TIMEOUT_MS });
    await page.getByText(`${DEFAULT_DISPLAY_NAME} | Idle`).waitFor({ timeout: STEP_TIMEOUT_MS });
  });

  it("runs all cells in order", async () => {
    await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click();
    await page.locator(".lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }).click();

    // Run All clears every execution count and marks each queued cell [*] synchronously in the
    // menu's mouseup handler. A cell keeps [*] until its reply arrives, or loses it when an
    // earlier cell fails.
    const prompts = page.locator(".jp-NotebookPanel .jp-CodeCell .jp-InputPrompt");
    await prompts.filter({ hasText: "[*]:" }).first().waitFor({ state: "detached", timeout: NOTEBOOK_RUN_TIMEOUT_MS });
    await page.getByText(`${DEFAULT_DISPLAY_NAME} | Idle`).waitFor({ timeout: STEP_TIMEOUT_MS });

    // The kernel is new, so its execution counts start at 1.
    const expected = Array.from({ length: CODE_CELL_COUNT }, (_, i) => `[${i + 1}]:`);
    assert.deepEqual(await prompts.allTextContents(), expected);
    const kernels = (await getServerJson(server!, "api/kernels")) as { execution_state: string }[];
    assert.deepEqual(
      kernels.map((kernel) => kernel.execution_state),
      ["idle"],
      `kernels: ${JSON.stringify(kernels)}`,
    );
  });

  it("shows no error output", async () => {
    // The kernel sends the text of a failed cell to stderr, so every stderr output counts.
    assert.deepEqual(await outputTexts(page, STDERR_MIME_TYPE), []);
  });

  it("prints the memory footprints", async () => {
    const stdout = (await outputTexts(page, STDOUT_MIME_TYPE)).join("");
    for (const label of ["fp32", "int8", "nf4"]) {
      const line = new RegExp(`^${label}\\s+all weights\\s+[\\d.]+ \\w+\\s+linear weights\\s+[\\d.]+ \\w+ \\([\\d.]+x of fp32\\)`, "m");
      assert.match(stdout, line, `no ${label} footprint line`);
    }
  });

  it("prints the cosine similarities", async () => {
    const stdout = (await outputTexts(page, STDOUT_MIME_TYPE)).join("");
    for (const label of ["int8", "nf4"]) {
      const line = new RegExp(`^${label}: mean cosine to fp32 [01]\\.\\d{5}, min [01]\\.\\d{5}$`, "m");
      assert.match(stdout, line, `no ${label} cosine line`);
    }
  });

  it("renders the weights with the extension", async () => {
    // JupyterLab sets a cell's execution count after the reply and the kernel's idle status, so
    // the output area contains every output of the cell by then. Only the plot appears later.
    const weights = page.locator(`.jp-NotebookPanel .jp-OutputArea-output.${WEIGHTS_CLASS}`);
    assert.equal(await weights.count(), 1, "expected one output rendered by the weights renderer");
    assert.equal(
      await weights.locator(`.${WEIGHTS_CLASS}-header`).textContent(),
      `Weight distributions: tiny-dnabert2 · nf4 · ${LINEAR_LAYER_COUNT} linear weights`,
    );
    // The first list chooses the layer. The second chooses between weight values and normalized weights.
    assert.equal(await weights.locator("select").first().locator("option").count(), LINEAR_LAYER_COUNT);

    const fallback = page.locator(".jp-NotebookPanel .jp-OutputArea-output", { hasText: WEIGHTS_FALLBACK_TEXT });
    assert.equal(await fallback.count(), 0, "the text/plain fallback of the weights output is shown");
  });

  it("draws the histogram bars", async () => {
    const weights = page.locator(`.jp-NotebookPanel .jp-OutputArea-output.${WEIGHTS_CLASS}`);
    assert.equal(await weights.count(), 1, "expected one output rendered by the weights renderer");
    const plotArea = weights.locator(`.${WEIGHTS_CLASS}-plot`);
    await plotArea.locator(".main-svg .barlayer .trace.bars .point path").first().waitFor({ timeout: STEP_TIMEOUT_MS });

    // The status line shows "Loading plotly.js…" until the plot is drawn, or a failure message.
    assert.equal(await weights.locator(`.${WEIGHTS_CLASS}-status`).textContent(), "");
    await weights.scrollIntoViewIfNeeded();
    const bars = await countVisibleBars(plotArea);
    assert.ok(bars > 0, `${bars} bars have a positive height`);

    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await weights.screenshot({ path: WEIGHTS_SCREENSHOT });
  });

  it("sends no request to other hosts", () => {
    assert.deepEqual(browser!.blockedRequests, []);
  });

  it("logs no browser errors", () => {
    assert.deepEqual(browser!.errors, []);
  });

  it("stops the kernel with the server", async () => {
    const kernels = (await getServerJson(server!, "api/kernels")) as { id: string }[];
    assert.equal(kernels.length, 1, `running kernels: ${JSON.stringify(kernels)}`);
    const connectionFile = `kernel-${kernels[0]!.id}.json`;
    assert.notDeepEqual(findProcessIds(connectionFile), [], "no kernel process found");

    await browser!.close();
    const { code, signal } = await stopLabServer(server!);

    assert.equal(code, 0, `serve.py exited with code ${code}, signal ${signal}. stderr:\n${server!.output.stderr}`);
    assert.deepEqual(findProcessIds(connectionFile), [], "the kernel process is still running");
  });

  it("leaves the repository's notebook unchanged", () => {
    assert.equal(hashFile(REPO_NOTEBOOK), repoNotebookHash);
  });
});
