/**
 * The JupyterLab 4.6 core extensions bundled into the host.
 *
 * This is the set of JupyterLab's own front end (the `extensions` and `mimeExtensions` of
 * @jupyterlab/core-meta's core package.json) less the extensions that need a server API or a
 * package that Debian's jupyter_server 1.23 and jupyterlab_server 2.16 do not provide:
 * debugger, extension manager, hub, language servers (jupyter-lsp), plugin manager and
 * terminals. The audio, video, PDF, Vega, Mermaid and high-contrast theme extensions are left
 * out to keep the bundle small.
 *
 * Every package imported here must also be a dependency in package.json: the build config
 * copies its settings schemas and themes from there and fails if the two lists differ.
 */

import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { IPlugin } from '@lumino/coreutils';

import applicationExtension from '@jupyterlab/application-extension';
import apputilsExtension from '@jupyterlab/apputils-extension';
import cellToolbarExtension from '@jupyterlab/cell-toolbar-extension';
import celltagsExtension from '@jupyterlab/celltags-extension';
import codemirrorExtension from '@jupyterlab/codemirror-extension';
import completerExtension from '@jupyterlab/completer-extension';
import consoleExtension from '@jupyterlab/console-extension';
import csvviewerExtension from '@jupyterlab/csvviewer-extension';
import docmanagerExtension from '@jupyterlab/docmanager-extension';
import documentsearchExtension from '@jupyterlab/documentsearch-extension';
import filebrowserExtension from '@jupyterlab/filebrowser-extension';
import fileeditorExtension from '@jupyterlab/fileeditor-extension';
import helpExtension from '@jupyterlab/help-extension';
import htmlviewerExtension from '@jupyterlab/htmlviewer-extension';
import imageviewerExtension from '@jupyterlab/imageviewer-extension';
import inspectorExtension from '@jupyterlab/inspector-extension';
import javascriptExtension from '@jupyterlab/javascript-extension';
import jsonExtension from '@jupyterlab/json-extension';
import launcherExtension from '@jupyterlab/launcher-extension';
import logconsoleExtension from '@jupyterlab/logconsole-extension';
import mainmenuExtension from '@jupyterlab/mainmenu-extension';
import markdownviewerExtension from '@jupyterlab/markdownviewer-extension';
import markedparserExtension from '@jupyterlab/markedparser-extension';
import mathjaxExtension from '@jupyterlab/mathjax-extension';
import metadataformExtension from '@jupyterlab/metadataform-extension';
import notebookExtension from '@jupyterlab/notebook-extension';
import rendermimeExtension from '@jupyterlab/rendermime-extension';
import runningExtension from '@jupyterlab/running-extension';
import servicesExtension from '@jupyterlab/services-extension';
import settingeditorExtension from '@jupyterlab/settingeditor-extension';
import shortcutsExtension from '@jupyterlab/shortcuts-extension';
import statusbarExtension from '@jupyterlab/statusbar-extension';
import themeDarkExtension from '@jupyterlab/theme-dark-extension';
import themeLightExtension from '@jupyterlab/theme-light-extension';
import tocExtension from '@jupyterlab/toc-extension';
import tooltipExtension from '@jupyterlab/tooltip-extension';
import translationExtension from '@jupyterlab/translation-extension';
import uiComponentsExtension from '@jupyterlab/ui-components-extension';
import workspacesExtension from '@jupyterlab/workspaces-extension';

/**
 * A plugin of any service type. Most plugins take the JupyterLab application, but those of
 * @jupyterlab/services-extension take `null` because they run before the application exists.
 */
export type AnyPlugin = IPlugin<any, any>;

/** A bundled extension package and the default export of its main module. */
export interface IBundledExtension<T> {
  /** npm package name, which JupyterLab records as the plugins' extension. */
  readonly name: string;
  /** One plugin or a list of them. */
  readonly exports: T | readonly T[];
}

/** Bundled extensions whose default export contains application plugins. */
export const BUNDLED_EXTENSIONS: ReadonlyArray<IBundledExtension<AnyPlugin>> = Object.freeze([
  { name: '@jupyterlab/application-extension', exports: applicationExtension },
  { name: '@jupyterlab/apputils-extension', exports: apputilsExtension },
  { name: '@jupyterlab/cell-toolbar-extension', exports: cellToolbarExtension },
  { name: '@jupyterlab/celltags-extension', exports: celltagsExtension },
  { name: '@jupyterlab/codemirror-extension', exports: codemirrorExtension },
  { name: '@jupyterlab/completer-extension', exports: completerExtension },
  { name: '@jupyterlab/console-extension', exports: consoleExtension },
  { name: '@jupyterlab/csvviewer-extension', exports: csvviewerExtension },
  { name: '@jupyterlab/docmanager-extension', exports: docmanagerExtension },
  { name: '@jupyterlab/documentsearch-extension', exports: documentsearchExtension },
  { name: '@jupyterlab/filebrowser-extension', exports: filebrowserExtension },
  { name: '@jupyterlab/fileeditor-extension', exports: fileeditorExtension },
  { name: '@jupyterlab/help-extension', exports: helpExtension },
  { name: '@jupyterlab/htmlviewer-extension', exports: htmlviewerExtension },
  { name: '@jupyterlab/imageviewer-extension', exports: imageviewerExtension },
  { name: '@jupyterlab/inspector-extension', exports: inspectorExtension },
  { name: '@jupyterlab/launcher-extension', exports: launcherExtension },
  { name: '@jupyterlab/logconsole-extension', exports: logconsoleExtension },
  { name: '@jupyterlab/mainmenu-extension', exports: mainmenuExtension },
  { name: '@jupyterlab/markdownviewer-extension', exports: markdownviewerExtension },
  { name: '@jupyterlab/markedparser-extension', exports: markedparserExtension },
  { name: '@jupyterlab/mathjax-extension', exports: mathjaxExtension },
  { name: '@jupyterlab/metadataform-extension', exports: metadataformExtension },
  { name: '@jupyterlab/notebook-extension', exports: notebookExtension },
  { name: '@jupyterlab/rendermime-extension', exports: rendermimeExtension },
  { name: '@jupyterlab/running-extension', exports: runningExtension },
  { name: '@jupyterlab/services-extension', exports: servicesExtension },
  { name: '@jupyterlab/settingeditor-extension', exports: settingeditorExtension },
  { name: '@jupyterlab/shortcuts-extension', exports: shortcutsExtension },
  { name: '@jupyterlab/statusbar-extension', exports: statusbarExtension },
  { name: '@jupyterlab/theme-dark-extension', exports: themeDarkExtension },
  { name: '@jupyterlab/theme-light-extension', exports: themeLightExtension },
  { name: '@jupyterlab/toc-extension', exports: tocExtension },
  { name: '@jupyterlab/tooltip-extension', exports: tooltipExtension },
  { name: '@jupyterlab/translation-extension', exports: translationExtension },
  { name: '@jupyterlab/ui-components-extension', exports: uiComponentsExtension },
  { name: '@jupyterlab/workspaces-extension', exports: workspacesExtension }
]);

/** Bundled extensions whose default export contains MIME renderer extensions. */
export const BUNDLED_MIME_EXTENSIONS: ReadonlyArray<IBundledExtension<IRenderMime.IExtension>> =
  Object.freeze([
    { name: '@jupyterlab/javascript-extension', exports: javascriptExtension },
    { name: '@jupyterlab/json-extension', exports: jsonExtension }
  ]);

/**
 * Ids of bundled plugins that are never registered, with the reason.
 *
 * Each needs a server API or a plugin that this host does not have. Registering them would
 * only add failed requests or "unresolved service" errors to the browser console.
 */
export const EXCLUDED_PLUGINS: Readonly<Record<string, string>> = Object.freeze({
  '@jupyterlab/apputils-extension:announcements':
    'fetches /lab/api/news, which only the jupyterlab Python package serves',
  '@jupyterlab/fileeditor-extension:language-server':
    'requires the language server tokens of @jupyterlab/lsp-extension, which needs jupyter-lsp',
  '@jupyterlab/notebook-extension:language-server':
    'requires the language server tokens of @jupyterlab/lsp-extension, which needs jupyter-lsp'
});
