// Checks that a built prebuilt extension has the layout that JupyterLab 4 loads from a
// labextensions directory, and that plotly.js stayed out of the code loaded at startup.
//
// Usage: node tools/check-labextension.cjs [output-dir]   (default: labextension/)
// Exits with status 1 and lists every problem found; prints a summary otherwise.

const { existsSync, readdirSync, readFileSync } = require("node:fs");
const { dirname, join, resolve } = require("node:path");

/** npm name of the extension, which JupyterLab also uses as the federated module name. */
const EXTENSION_NAME = "dnaquant-jupyterlab";

/** Form of `jupyterlab._build.load`: the entry file with a content hash. */
const REMOTE_ENTRY_PATTERN = /^static\/remoteEntry\.[0-9a-f]+\.js$/;

/**
 * Text found only in plotly.js code: the name of its `Plotly.newPlot` function. The renderers
 * draw with `Plotly.react`, so the marker stays out of their chunk.
 */
const PLOTLY_MARKER = "newPlot";

/** Text found only in this extension's own code: the weights renderer's CSS class. */
const RENDERER_MARKER = "dq-RenderedWeights";

/**
 * Checks the prebuilt extension in `outputDir`.
 *
 * @param {string} outputDir - The builder's output directory, which contains package.json and
 * static/.
 * @returns {string[]} One sentence per problem, or an empty array when the output is well formed.
 */
function checkLabextension(outputDir) {
  const problems = [];

  // package.json: name, version and the `_build` entries the builder writes.
  const packagePath = join(outputDir, "package.json");
  if (!existsSync(packagePath)) {
    return [`${packagePath} is missing. Run npm run build -w extension first.`];
  }
  let metadata;
  try {
    metadata = JSON.parse(readFileSync(packagePath, "utf8"));
  } catch (error) {
    return [`${packagePath} is not valid JSON: ${error.message}`];
  }

  if (metadata.name !== EXTENSION_NAME) {
    problems.push(`package.json name is ${JSON.stringify(metadata.name)}, expected "${EXTENSION_NAME}".`);
  }
  if (typeof metadata.version !== "string" || metadata.version === "") {
    problems.push("package.json has no version.");
  }
  const build = metadata.jupyterlab?._build;
  if (typeof build !== "object" || build === null) {
    return [...problems, "package.json has no jupyterlab._build entry; the builder did not finish."];
  }
  if (build.mimeExtension !== "./mimeExtension") {
    problems.push(`jupyterlab._build.mimeExtension is ${JSON.stringify(build.mimeExtension)}, expected "./mimeExtension".`);
  }
  if (build.style !== "./style") {
    problems.push(`jupyterlab._build.style is ${JSON.stringify(build.style)}, expected "./style".`);
  }
  if (typeof build.load !== "string" || !REMOTE_ENTRY_PATTERN.test(build.load)) {
    problems.push(`jupyterlab._build.load is ${JSON.stringify(build.load)}, expected static/remoteEntry.<hash>.js.`);
    return problems;
  }

  // static/: exactly the one entry file that package.json names, registered under our name.
  const staticDir = join(outputDir, "static");
  const entryPath = join(outputDir, build.load);
  if (!existsSync(entryPath)) {
    problems.push(`${build.load} is named in package.json but missing.`);
    return problems;
  }
  const scripts = readdirSync(staticDir).filter((file) => file.endsWith(".js"));
  const entries = scripts.filter((file) => file.startsWith("remoteEntry."));
  if (entries.length !== 1) {
    problems.push(`static/ holds ${entries.length} remoteEntry files (${entries.join(", ")}), expected 1.`);
  }
  const entryCode = readFileSync(entryPath, "utf8");
  if (!entryCode.includes(`"${EXTENSION_NAME}"`)) {
    problems.push(`${build.load} does not register a container named "${EXTENSION_NAME}".`);
  }

  // plotly.js must sit in a chunk of its own, which the browser fetches on the first plot.
  const containing = (marker) =>
    scripts.filter((file) => readFileSync(join(staticDir, file), "utf8").includes(marker));
  const plotlyChunks = containing(PLOTLY_MARKER);
  const rendererChunks = containing(RENDERER_MARKER);
  if (plotlyChunks.length === 0) {
    problems.push(`No chunk in static/ contains plotly.js (marker "${PLOTLY_MARKER}").`);
  }
  if (rendererChunks.length === 0) {
    problems.push(`No chunk in static/ contains the renderer (marker "${RENDERER_MARKER}").`);
  }
  for (const file of plotlyChunks) {
    if (entries.includes(file) || rendererChunks.includes(file)) {
      problems.push(`${file} contains plotly.js, which must be lazily loaded from a chunk of its own.`);
    }
  }

  return problems;
}

module.exports = { EXTENSION_NAME, checkLabextension };

// Command-line use.
if (require.main === module) {
  const extensionDir = dirname(__dirname);
  const outputDir = resolve(process.argv[2] ?? join(extensionDir, "labextension"));
  const problems = checkLabextension(outputDir);

  if (problems.length > 0) {
    console.error(`The prebuilt extension in ${outputDir} is not well formed:`);
    for (const problem of problems) {
      console.error(`- ${problem}`);
    }
    process.exit(1);
  }
  const metadata = JSON.parse(readFileSync(join(outputDir, "package.json"), "utf8"));
  console.log(`${outputDir}: ${metadata.name} ${metadata.version}, entry ${metadata.jupyterlab._build.load}`);
}
