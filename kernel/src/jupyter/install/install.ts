import { createKernelSpec, writeKernelSpec } from "./kernel-spec";
import { prefixKernelsDirectory, queryPythonEnvironment, userKernelsDirectory } from "./locations";
import type { InstallOptions } from "./options";

/** The parts of the environment that installation depends on. */
export interface InstallEnvironment {
  /** Absolute path of the Node.js executable that the kernel spec starts. */
  nodePath: string;
  /** Absolute path of the compiled kernel entry script. */
  mainScript: string;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** The user's home folder, used only for `--user`. */
  home: string;
  /** Receives advice that does not stop the installation. */
  warn(message: string): void;
}

/** Installs the kernel spec that `options` describe and returns the folder written. */
export function installKernelSpec(options: InstallOptions, environment: InstallEnvironment): string {
  const spec = createKernelSpec({
    nodePath: environment.nodePath,
    mainScript: environment.mainScript,
    displayName: options.displayName,
  });
  return writeKernelSpec(kernelsDirectoryFor(options, environment), options.name, spec);
}

function kernelsDirectoryFor(options: InstallOptions, environment: InstallEnvironment): string {
  const destination = options.destination;
  switch (destination.kind) {
    case "prefix":
      return prefixKernelsDirectory(destination.prefix);
    case "user":
      return userKernelsDirectory(environment.env, environment.platform, environment.home);
    case "sys-prefix": {
      const python = queryPythonEnvironment(destination.python);
      if (!python.hasJupyterClient) {
        environment.warn(
          `${destination.python} cannot import jupyter_client, so the Jupyter that should find this kernel ` +
            "probably runs on another Python. Pass that one with --python.",
        );
      }
      return prefixKernelsDirectory(python.prefix);
    }
  }
}
