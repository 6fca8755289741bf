/**
 * Loading of prebuilt (federated) JupyterLab extensions through module federation.
 *
 * A prebuilt extension ships a `remoteEntry.*.js` script. Both @jupyterlab/builder (webpack)
 * and @jupyter/builder (rspack) emit it with the library type `var` and the name
 * `_JUPYTERLAB[<package name>]`, so running the script stores a container there. The host
 * initializes every container with its `default` share scope, which makes the extension use
 * the host's copies of the packages JupyterLab declares as singletons (@jupyterlab/*, @lumino/*,
 * react, yjs and others).
 *
 * This module must not import any shared package: it runs before the share scope exists.
 */

/**
 * One entry of the page config option `federated_extensions`, as jupyterlab_server builds it
 * from `jupyterlab._build` in the package.json of each folder on the labextensions path.
 */
export interface IFederatedExtension {
  /** npm package name, which is also the container name under `window._JUPYTERLAB`. */
  readonly name: string;
  /** Path of the remoteEntry script relative to the extension folder, e.g. `static/remoteEntry.1a2b.js`. */
  readonly load: string;
  /** Exposed module whose default export contains JupyterLab plugins, usually `./extension`. */
  readonly extension?: string;
  /** Exposed module whose default export contains MIME renderer extensions, usually `./mimeExtension`. */
  readonly mimeExtension?: string;
  /** Exposed module that injects the extension's CSS when imported, usually `./style`. */
  readonly style?: string;
}

/** Module federation container, as a remoteEntry script defines it. */
export interface IFederatedContainer {
  /** Adds the container's shared modules to the scope and takes the host's ones from it. */
  init(shareScope: unknown): Promise<void> | void;
  /** Resolves to a factory that returns the exposed module's exports. */
  get(module: string): Promise<() => unknown>;
}

declare global {
  interface Window {
    /** Containers of the loaded prebuilt extensions, keyed by package name. */
    _JUPYTERLAB?: Record<string, IFederatedContainer | undefined>;
  }
}

// Free variables that the bundler replaces with its module federation runtime.
declare const __webpack_init_sharing__: (scope: string) => Promise<void>;
declare const __webpack_share_scopes__: Record<string, unknown>;

/** Share scope that JupyterLab and every prebuilt extension use. */
const SHARE_SCOPE = 'default';

/**
 * Reads the JSON page config that the server writes into `#jupyter-config-data`.
 *
 * Unlike `PageConfig` from @jupyterlab/coreutils, this keeps values with their JSON types,
 * and it works before any shared package is loaded. Returns an empty object when the element
 * is missing.
 */
export function readPageConfig(): Record<string, unknown> {
  const element = document.getElementById('jupyter-config-data');
  if (!element?.textContent) {
    return {};
  }
  return JSON.parse(element.textContent) as Record<string, unknown>;
}

/**
 * Loads the remoteEntry script of every prebuilt extension and initializes its container with
 * the host's share scope.
 *
 * The scripts load in parallel. An extension whose script or container fails is logged with
 * `console.error` and left out, so one broken extension does not stop JupyterLab.
 * Returns the extensions whose containers are ready, in the input order.
 *
 * @param extensions - entries of the page config option `federated_extensions`.
 * @param labextensionsUrl - absolute URL path under which the server serves the extension
 *   folders (page config option `fullLabextensionsUrl`), without a trailing slash.
 */
export async function initFederatedExtensions(
  extensions: readonly IFederatedExtension[],
  labextensionsUrl: string
): Promise<IFederatedExtension[]> {
  // The host's own shared modules must be in the scope before any container reads it.
  await __webpack_init_sharing__(SHARE_SCOPE);

  const results = await Promise.allSettled(
    extensions.map(async extension => {
      await loadScript(`${labextensionsUrl}/${extension.name}/${extension.load}`);
      await getContainer(extension.name).init(__webpack_share_scopes__[SHARE_SCOPE]);
    })
  );

  const ready: IFederatedExtension[] = [];
  results.forEach((result, index) => {
    const extension = extensions[index];
    if (result.status === 'fulfilled') {
      ready.push(extension);
    } else {
      console.error(`Prebuilt extension ${extension.name} failed to load:`, result.reason);
    }
  });
  return ready;
}

/**
 * Returns the exports of a module that a prebuilt extension exposes, e.g. `./extension`.
 *
 * The returned object carries the package name as `__scope__`, as JupyterLab's own loader does.
 */
export async function getExposedModule(scope: string, module: string): Promise<Record<string, unknown>> {
  try {
    const factory = await getContainer(scope).get(module);
    const exports = factory() as Record<string, unknown>;
    exports.__scope__ = scope;
    return exports;
  } catch (error) {
    throw new Error(`Module ${module} of the prebuilt extension ${scope} failed to load.`, { cause: error });
  }
}

/** Returns the container that the remoteEntry script of `scope` stored, or throws if it is missing. */
function getContainer(scope: string): IFederatedContainer {
  const container = window._JUPYTERLAB?.[scope];
  if (!container) {
    throw new Error(
      `The remoteEntry script of ${scope} defined no container _JUPYTERLAB[${JSON.stringify(scope)}]. ` +
        'Rebuild the extension with @jupyterlab/builder or @jupyter/builder.'
    );
  }
  return container;
}

/** Appends a script element for `url` and resolves once the browser has run it. */
function loadScript(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`Loading the script ${url} failed.`));
    script.src = url;
    document.head.appendChild(script);
  });
}
