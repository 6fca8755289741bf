/**
 * Entry point of the front end bundle.
 *
 * Module federation picks one copy of each shared package only after every container has
 * joined the share scope. So this entry first loads the prebuilt extensions listed in the page
 * config and only then imports index.ts, the first module that uses a shared package.
 */

import { type IFederatedExtension, initFederatedExtensions, readPageConfig } from './federation';

// Assigning this free variable sets the URL that the bundler loads chunks from.
declare let __webpack_public_path__: string;

const pageConfig = readPageConfig();

// The server serves the bundle under /static/<app name>/, which it reports as fullStaticUrl.
__webpack_public_path__ = `${String(pageConfig.fullStaticUrl ?? '')}/`;

/** Loads the prebuilt extensions, then starts JupyterLab once the page has loaded. */
async function bootstrap(): Promise<void> {
  const listed = (pageConfig.federated_extensions ?? []) as IFederatedExtension[];
  const labextensionsUrl = String(pageConfig.fullLabextensionsUrl ?? '');
  const federatedExtensions = await initFederatedExtensions(listed, labextensionsUrl);

  const { main } = await import('./index');
  if (document.readyState !== 'complete') {
    await new Promise(resolve => window.addEventListener('load', resolve, { once: true }));
  }
  await main(federatedExtensions);
}

bootstrap().catch(error => {
  console.error('JupyterLab failed to start:', error);
});
