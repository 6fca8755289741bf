import { PROTOCOL_VERSION, type KernelInfoReply } from "../protocol/messages";
import type { KernelServices, RequestContext } from "./context";

export interface KernelInfoOptions {
  /** Version of the dnaquant package. */
  implementationVersion: string;
  /** Version of the TypeScript compiler that compiles cells. */
  typescriptVersion: string;
}

/** Creates the kernel_info_reply content, which stays the same for the kernel's lifetime. */
export function createKernelInfo({ implementationVersion, typescriptVersion }: KernelInfoOptions): KernelInfoReply {
  return {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "dnaquant",
    implementation_version: implementationVersion,
    language_info: {
      name: "typescript",
      version: typescriptVersion,
      mimetype: "text/typescript",
      file_extension: ".ts",
      pygments_lexer: "typescript",
      codemirror_mode: "typescript",
      nbconvert_exporter: "script",
    },
    banner: `dnaquant ${implementationVersion}: TypeScript ${typescriptVersion} on Node.js ${process.version}`,
    debugger: false,
    help_links: [],
  };
}

/** Handles kernel_info_request. */
export function handleKernelInfoRequest(_context: RequestContext, services: KernelServices): KernelInfoReply {
  return services.kernelInfo;
}
