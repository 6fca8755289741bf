// Builds the front end into build/ with rspack.config.js.
//
// Usage: node build.js [--mode production|development]
// The default mode is production (minified, no source maps).

'use strict';

const path = require('path');

const builderDir = path.dirname(require.resolve('@jupyter/builder/package.json'));
const { rspack } = require(require.resolve('@rspack/core', { paths: [builderDir] }));
const createConfig = require('./rspack.config.js');

const MODES = ['production', 'development'];

/** Returns the value of --mode, or production when it is absent. */
function parseMode(args) {
  const index = args.indexOf('--mode');
  if (index === -1) {
    return 'production';
  }
  const mode = args[index + 1];
  if (!MODES.includes(mode)) {
    throw new RangeError(`Invalid --mode ${JSON.stringify(mode)}: expected one of ${MODES.join(', ')}.`);
  }
  return mode;
}

const mode = parseMode(process.argv.slice(2));
const started = Date.now();
const compiler = rspack(createConfig({}, { mode }));

compiler.run((error, stats) => {
  compiler.close(() => {
    if (error) {
      console.error(error);
      process.exit(1);
    }
    const summary = stats.toString({ preset: 'errors-warnings', colors: false });
    if (summary.trim()) {
      console.error(summary);
    }
    if (stats.hasErrors()) {
      console.error('The front end build failed.');
      process.exit(1);
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`Built the JupyterLab front end (${mode}) into ${path.join(__dirname, 'build')} in ${seconds} s.`);
  });
});
