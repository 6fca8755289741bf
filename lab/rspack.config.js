// Rspack configuration of the JupyterLab front end that the local host serves.
//
// The bundle is a module federation host in the form that JupyterLab 4.6's own build uses, so
// prebuilt extensions from @jupyterlab/builder or @jupyter/builder load into it unchanged. The
// container is named CORE_FEDERATION with the library `_JUPYTERLAB.CORE_LIBRARY_FEDERATION`, the
// share scope is `default`, and every package of @jupyterlab/core-meta's `singletonPackages` is
// shared as a singleton.
//
// Output, all in build/ (removed and rewritten on every build):
//   main.js and its chunks   the front end, loaded by server/templates/index.html
//   schemas/<package>/       settings schemas of the bundled extensions
//   themes/<package>/        compiled CSS of the light and dark themes
//   style.js                 generated CSS imports of the bundled extensions (a build input)
//   lab-host.json            versions that the server reports to the front end

'use strict';

const fs = require('fs');
const path = require('path');

// The build uses the rspack instance of @jupyter/builder, because the rules, plugins and theme
// configs that @jupyter/builder creates must run in the compiler that created them.
const builderDir = path.dirname(require.resolve('@jupyter/builder/package.json'));
const rspack = require(require.resolve('@rspack/core', { paths: [builderDir] }));
const { Build } = require('@jupyter/builder');
const baseConfig = require('@jupyter/builder/lib/webpack.config.base');

const corePackage = require('@jupyterlab/core-meta/core.package.json');
const hostPackage = require('./package.json');

const BUILD_DIR = path.join(__dirname, 'build');
const PLUGINS_SOURCE = path.join(__dirname, 'src', 'plugins.ts');

/**
 * Returns the parsed package.json of `name` as Node resolves it from this folder, or null when
 * the package is not installed. Packages whose `exports` hide package.json are found through
 * their main module.
 */
function readInstalledPackage(name) {
  let packageFile;
  try {
    packageFile = require.resolve(`${name}/package.json`, { paths: [__dirname] });
  } catch {
    try {
      let dir = path.dirname(require.resolve(name, { paths: [__dirname] }));
      while (!fs.existsSync(path.join(dir, 'package.json')) && dir !== path.dirname(dir)) {
        dir = path.dirname(dir);
      }
      packageFile = path.join(dir, 'package.json');
    } catch {
      return null;
    }
  }
  const data = JSON.parse(fs.readFileSync(packageFile, 'utf8'));
  return { dir: path.dirname(packageFile), data };
}

/**
 * Returns the directories of the dependencies that carry JupyterLab extension metadata, after
 * checking that src/plugins.ts imports each of them and imports no other extension.
 */
function findBundledExtensions() {
  const pluginsSource = fs.readFileSync(PLUGINS_SOURCE, 'utf8');
  const dirs = [];
  const names = [];
  for (const name of Object.keys(hostPackage.dependencies)) {
    const installed = readInstalledPackage(name);
    if (!installed) {
      throw new Error(`The dependency ${name} is not installed. Run npm install in the repository root.`);
    }
    const { extension, mimeExtension, schemaDir, themePath } = installed.data.jupyterlab ?? {};
    if (!extension && !mimeExtension && !schemaDir && !themePath) {
      continue;
    }
    if (!pluginsSource.includes(`from '${name}'`)) {
      throw new Error(`${name} is a dependency with JupyterLab metadata but src/plugins.ts does not import it.`);
    }
    dirs.push(installed.dir);
    names.push(name);
  }

  const imported = [...pluginsSource.matchAll(/from '(@jupyterlab\/[a-z0-9-]+-extension)'/g)].map(m => m[1]);
  const missing = imported.filter(name => !names.includes(name));
  if (missing.length > 0) {
    throw new Error(`src/plugins.ts imports ${missing.join(', ')}, which package.json does not list as dependencies.`);
  }
  return dirs;
}

/**
 * Returns the `shared` option of the module federation plugin.
 *
 * Every package that JupyterLab's core package.json lists in `resolutions` and that is
 * installed here is shared, because prebuilt extensions consume all of them with
 * `import: false` and so cannot run without the host's copy. Singletons take no version
 * requirement on the host side: the host bundles them, so the copy in the scope is the
 * host's unless an extension brings a newer one. Other packages keep the requirement that
 * rspack reads from each importing package's own package.json.
 */
function sharedPackages() {
  const singletons = new Set(corePackage.jupyterlab.singletonPackages);
  const shared = {};
  for (const name of Object.keys(corePackage.resolutions)) {
    if (!readInstalledPackage(name)) {
      continue;
    }
    shared[name] = singletons.has(name) ? { singleton: true, requiredVersion: false } : {};
  }
  return shared;
}

/** Writes the versions that server/lab_host_app.py reports as the application version. */
function writeBuildInfo() {
  const info = {
    jupyterlabVersion: readInstalledPackage('@jupyterlab/application').data.version,
    coreMetaVersion: readInstalledPackage('@jupyterlab/core-meta').data.version
  };
  fs.writeFileSync(path.join(BUILD_DIR, 'lab-host.json'), `${JSON.stringify(info, null, 2)}\n`);
}

module.exports = (env = {}, argv = {}) => {
  const mode = argv.mode ?? 'production';

  // Start from an empty build folder: stale schemas or chunks would be served otherwise.
  fs.rmSync(BUILD_DIR, { recursive: true, force: true });
  fs.mkdirSync(BUILD_DIR, { recursive: true });

  // Copy settings schemas, write style.js and get one config per theme package.
  const themeConfigs = Build.ensureAssets({
    packageNames: [],
    packagePaths: findBundledExtensions(),
    output: BUILD_DIR
  });
  writeBuildInfo();

  const appConfig = {
    ...baseConfig,
    mode,
    context: __dirname,
    entry: { main: './src/bootstrap.ts' },
    output: {
      path: BUILD_DIR,
      // The HTML template loads main.js by this fixed name. jupyter_server sends static files
      // without a version query with Cache-Control: no-cache, so browsers revalidate it.
      filename: '[name].js',
      chunkFilename: '[name].[contenthash].js',
      // bootstrap.ts replaces this with the page config's fullStaticUrl at run time.
      publicPath: 'auto',
      hashFunction: 'xxhash64'
    },
    resolve: {
      ...baseConfig.resolve,
      extensions: ['.ts', '.js', '.json']
    },
    module: {
      rules: [
        ...baseConfig.module.rules,
        {
          test: /\.ts$/,
          exclude: /node_modules/,
          loader: 'builtin:swc-loader',
          options: {
            jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }
          },
          type: 'javascript/auto'
        }
      ]
    },
    devtool: mode === 'development' ? 'source-map' : false,
    optimization: {
      splitChunks: {
        chunks: 'all',
        cacheGroups: {
          jlab_core: {
            test: /[\\/]node_modules[\\/]@(jupyterlab|lumino(?!\/datagrid))[\\/]/,
            name: 'jlab_core'
          }
        }
      }
    },
    performance: { hints: false },
    ignoreWarnings: [
      // MathJax's component loader reads __dirname only when it runs in Node, never in a browser.
      { module: /mathjax-full[\\/]js[\\/]components[\\/]loader\.js$/, message: /__dirname/ }
    ],
    plugins: [
      ...baseConfig.plugins,
      new rspack.container.ModuleFederationPlugin({
        name: 'CORE_FEDERATION',
        library: { type: 'var', name: ['_JUPYTERLAB', 'CORE_LIBRARY_FEDERATION'] },
        shared: sharedPackages()
      })
    ]
  };

  return [appConfig, ...themeConfigs];
};
