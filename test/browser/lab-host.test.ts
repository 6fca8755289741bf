/**
 * Browser test of the local JupyterLab host in lab/: starts lab/server/serve.py on a free
 * 127.0.0.1 port with a temporary notebook folder, opens JupyterLab in Debian's Chromium, runs a
 * notebook on Debian's ipykernel and checks the outputs. The MIME extension in
 * fixtures/mime-extension, built here with @jupyter/builder, checks that prebuilt extensions
 * load; dnaquant-jupyterlab is checked as well when extension/labextension has been built.
 *
 * Needs the front end built (`npm run build -w lab`), /usr/bin/chromium, and /usr/bin/python3
 * with Debian's python3-jupyter-server, python3-jupyterlab-server and python3-ipykernel.
 * Every request the browser makes to a host other than 127.0.0.1 is blocked and fails the test.
 */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";

import type { Page } from "playwright-core";

import { launchBrowser, type TestBrowser } from "../helpers/browser";
import { DEBIAN_PYTHON } from "../helpers/jupyter";
import {
  assertLabBuilt,
  DNAQUANT_LABEXTENSION_DIR,
  findProcessIds,
  getServerJson,
  isDnaquantExtensionBuilt,
  type LabServer,
  startLabServer,
  stopLabServer,
} from "../helpers/lab-server";
import { ARTIFACTS_DIR } from "../helpers/paths";

const FIXTURE_EXTENSION = join(__dirname, "fixtures", "mime-extension");
const SCREENSHOT = join(ARTIFACTS_DIR, "lab-host.png");

/** Package name and plugin id of the fixture extension (see fixtures/mime-extension). */
const FIXTURE_NAME = "dnaquant-lab-host-test-mime";
const FIXTURE_PLUGIN_ID = "dnaquant-lab-host-test-mime:factory";
const FIXTURE_MIME_TYPE = "application/vnd.dnaquant-lab-host.test+json";

/** Kernel spec written for this test, so that it runs whether or not Debian's python3 spec exists. */
const KERNEL_NAME = "lab-host-test-python";
const KERNEL_DISPLAY_NAME = "Python 3 (lab host test)";

const NOTEBOOK_NAME = "lab-host-check.ipynb";

/** Bound for the page load, kernel start and cell runs, each under 3 s on the 2-core development machine. */
const STEP_TIMEOUT_MS = 60_000;

// The callbacks given to page.evaluate run in Chromium. The root tsconfig has no DOM library, so
// the few browser globals they use are declared here.
declare const window: { jupyterapp: { info: { availablePlugins: { id: string; enabled: boolean; extension: string }[] } } };
declare const document: {
  body: { dataset: Record<string, string | undefined> };
  getElementById(id: string): { textContent: string | null } | null;
};
declare function getComputedStyle(element: object): { getPropertyValue(name: string): string };

/** Writes a notebook with three code cells: stdout, text/html and the fixture's MIME type. */
function writeNotebook(path: string): void {
  const cell = (id: string, source: string) => ({
    id,
    cell_type: "code",
    execution_count: null,
    metadata: {},
    outputs: [],
    source,
  });
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: KERNEL_NAME, display_name: KERNEL_DISPLAY_NAME, language: "python" },
      language_info: { name: "python" },
    },
    cells: [
      cell("stdout", 'print("stdout from the kernel:", 6 * 7)'),
      cell(
        "html",
        'from IPython.display import HTML, display\ndisplay(HTML(\'<b class="lab-host-test-html">HTML output 42</b>\'))',
      ),
      cell(
        "mime",
        `display({"${FIXTURE_MIME_TYPE}": {"message": "payload from the kernel"}, "text/plain": "the test extension did not render this"}, raw=True)`,
      ),
    ],
  };
  writeFileSync(path, JSON.stringify(notebook, null, 1));
}

/** Writes a kernel spec that runs Debian's ipykernel into `<dataDir>/kernels/<KERNEL_NAME>`. */
function writeKernelSpec(dataDir: string): void {
  const specDir = join(dataDir, "kernels", KERNEL_NAME);
  mkdirSync(specDir, { recursive: true });
  const spec = {
    argv: [DEBIAN_PYTHON, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
    display_name: KERNEL_DISPLAY_NAME,
    language: "python",
  };
  writeFileSync(join(specDir, "kernel.json"), JSON.stringify(spec, null, 1));
}

/**
 * Copies the fixture extension to `workDir` and builds it there with @jupyter/builder against
 * JupyterLab 4.6's core package.json. Returns the prebuilt extension folder.
 */
function buildFixtureExtension(workDir: string): string {
  const sourceDir = join(workDir, "mime-extension");
  cpSync(FIXTURE_EXTENSION, sourceDir, { recursive: true });
  const builder = join(dirname(require.resolve("@jupyter/builder/package.json")), "lib", "build-labextension.js");
  const corePackage = require.resolve("@jupyterlab/core-meta/core.package.json");
  execFileSync(process.execPath, [builder, "--core-package-file", corePackage, sourceDir], { stdio: "pipe" });
  return join(sourceDir, "labextension");
}

/** Returns the info JupyterLab keeps on the plugins of one extension, read through window.jupyterapp. */
function pluginsOf(page: Page, extension: string): Promise<{ id: string; enabled: boolean }[]> {
  return page.evaluate(
    (name) =>
      window.jupyterapp.info.availablePlugins
        .filter((plugin) => plugin.extension === name)
        .map((plugin) => ({ id: plugin.id, enabled: plugin.enabled })),
    extension,
  );
}

/** Returns the page config that the server wrote into the JupyterLab page. */
function readPageConfig(page: Page): Promise<{ federated_extensions: { name: string }[]; userSettingsDir: string }> {
  return page.evaluate(() => JSON.parse(document.getElementById("jupyter-config-data")?.textContent ?? "{}"));
}

describe("lab host", { timeout: 5 * STEP_TIMEOUT_MS }, () => {
  const scratch = mkdtempSync(join(tmpdir(), "dnaquant-lab-host-test-"));
  const notebookDir = join(scratch, "notebooks");
  const jupyterData = join(scratch, "jupyter-data");
  const dnaquantBuilt = isDnaquantExtensionBuilt();

  let server: LabServer | undefined;
  let browser: TestBrowser | undefined;
  let page: Page;

  before(async () => {
    assertLabBuilt();

    // Notebook folder, kernel spec and the fixture extension, all in the scratch folder.
    mkdirSync(notebookDir);
    writeNotebook(join(notebookDir, NOTEBOOK_NAME));
    writeKernelSpec(jupyterData);
    const labextensions = [buildFixtureExtension(scratch)];
    if (dnaquantBuilt) {
      labextensions.push(DNAQUANT_LABEXTENSION_DIR);
    }

    // Jupyter's config, data and runtime folders and IPython's profile folder point into the
    // scratch folder, so the user's files neither affect the server and kernel nor receive theirs.
    const env = {
      ...process.env,
      JUPYTER_PATH: jupyterData,
      JUPYTER_CONFIG_DIR: join(scratch, "jupyter-config"),
      JUPYTER_DATA_DIR: join(scratch, "jupyter-user-data"),
      JUPYTER_RUNTIME_DIR: join(scratch, "jupyter-runtime"),
      IPYTHONDIR: join(scratch, "ipython"),
    };
    const args = ["--port", "0", "--notebook-dir", notebookDir, "--expose-app-in-browser", "--labextensions-path", ...labextensions];
    server = await startLabServer(args, env);

    // Chromium with a fresh profile and home folder. Requests to any host but 127.0.0.1 are
    // blocked and recorded.
    browser = await launchBrowser(join(scratch, "chromium"));
    page = browser.page;
  });

  after(async () => {
    await browser?.close();
    if (server) {
      await stopLabServer(server);
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  it("starts JupyterLab with the light theme", async () => {
    await page.goto(server!.url.href);
    await page.locator("#jp-main-dock-panel").waitFor({ timeout: STEP_TIMEOUT_MS });

    const theme = await page.evaluate(() => ({
      name: document.body.dataset.jpThemeName,
      background: getComputedStyle(document.body).getPropertyValue("--jp-layout-color0").trim(),
    }));
    assert.equal(theme.name, "JupyterLab Light");
    assert.notEqual(theme.background, "", "the theme's CSS variables are not set");
  });

  it("lists the prebuilt extensions in the page config", async () => {
    const listed = (await readPageConfig(page)).federated_extensions.map((extension) => extension.name);
    assert.ok(listed.includes(FIXTURE_NAME), `federated_extensions is ${JSON.stringify(listed)}`);
    if (dnaquantBuilt) {
      assert.ok(listed.includes("dnaquant-jupyterlab"), `federated_extensions is ${JSON.stringify(listed)}`);
    }
  });

  it("registers the fixture extension's plugin", async () => {
    assert.deepEqual(await pluginsOf(page, FIXTURE_NAME), [{ id: FIXTURE_PLUGIN_ID, enabled: true }]);
  });

  it("registers dnaquant-jupyterlab when built", { skip: !dnaquantBuilt && "extension/labextension is not built" }, async () => {
    const plugins = await pluginsOf(page, "dnaquant-jupyterlab");
    assert.ok(plugins.length > 0, "JupyterLab lists no plugin of dnaquant-jupyterlab");
    for (const plugin of plugins) {
      assert.ok(plugin.enabled, `plugin ${plugin.id} is disabled`);
    }
  });

  it("opens a notebook from the file browser and starts its kernel", async () => {
    await page.locator(".jp-DirListing-item", { hasText: NOTEBOOK_NAME }).dblclick({ timeout: STEP_TIMEOUT_MS });
    await page.locator(".jp-NotebookPanel .jp-Cell").first().waitFor({ timeout: STEP_TIMEOUT_MS });
    await page.getByText(`${KERNEL_DISPLAY_NAME} | Idle`).waitFor({ timeout: STEP_TIMEOUT_MS });
  });

  it("runs all cells and shows stdout and HTML outputs", async () => {
    await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click();
    await page.locator(".lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }).click();

    const stdout = page.locator(".jp-OutputArea-output", { hasText: "stdout from the kernel: 42" });
    await stdout.waitFor({ timeout: STEP_TIMEOUT_MS });
    const html = page.locator(".jp-OutputArea-output .lab-host-test-html");
    await html.waitFor({ timeout: STEP_TIMEOUT_MS });
    assert.equal(await html.textContent(), "HTML output 42");
  });

  it("renders a MIME bundle with the prebuilt extension", async () => {
    const rendered = page.locator(".jp-OutputArea .dnaquant-lab-host-test-output");
    await rendered.waitFor({ timeout: STEP_TIMEOUT_MS });
    assert.equal(await rendered.textContent(), "Rendered by the test extension: payload from the kernel");
    const fallback = page.locator(".jp-OutputArea-output", { hasText: "the test extension did not render this" });
    assert.equal(await fallback.count(), 0, "the text/plain fallback of the MIME bundle is shown");

    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
  });

  it("sends no request to other hosts", () => {
    assert.deepEqual(browser!.blockedRequests, []);
  });

  it("logs no browser errors", () => {
    assert.deepEqual(browser!.errors, []);
  });

  it("shuts down kernels and the server on SIGTERM", async () => {
    const kernels = (await getServerJson(server!, "api/kernels")) as { id: string }[];
    assert.equal(kernels.length, 1, `running kernels: ${JSON.stringify(kernels)}`);
    const connectionFile = `kernel-${kernels[0]!.id}.json`;
    assert.notDeepEqual(findProcessIds(connectionFile), [], "no kernel process found");
    const { userSettingsDir } = await readPageConfig(page);

    await browser!.close();
    const { code, signal } = await stopLabServer(server!);

    assert.equal(code, 0, `serve.py exited with code ${code}, signal ${signal}. stderr:\n${server!.output.stderr}`);
    assert.deepEqual(findProcessIds(connectionFile), [], "the kernel process is still running");
    assert.equal(existsSync(dirname(userSettingsDir)), false, "the per-start temporary folder was not removed");
  });
});
