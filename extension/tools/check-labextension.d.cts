/** npm name of the extension, which JupyterLab also uses as the federated module name. */
export declare const EXTENSION_NAME: string;

/**
 * Checks the prebuilt extension in `outputDir`.
 *
 * @returns One sentence per problem, or an empty array when the output is well formed.
 */
export declare function checkLabextension(outputDir: string): string[];
