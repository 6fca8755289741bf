import { readFileSync } from "node:fs";

import { DEFAULT_SIGNATURE_SCHEME } from "./signature";

/** Contents of the connection file that Jupyter writes before it starts a kernel. */
export interface ConnectionInfo {
  /** `tcp`, or `ipc` for Unix domain sockets. */
  transport: "tcp" | "ipc";
  /** Address to bind, such as `127.0.0.1`, or with `ipc` the path prefix of the socket files. */
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  /** HMAC key. An empty key turns message signing off. */
  key: string;
  /** Signature scheme such as `hmac-sha256`. */
  signature_scheme: string;
  /** Name of the kernel spec, informational only. */
  kernel_name?: string;
}

/** Port fields of {@link ConnectionInfo}, one per socket. */
export const PORT_FIELDS = Object.freeze([
  "shell_port",
  "iopub_port",
  "stdin_port",
  "control_port",
  "hb_port",
] as const);

export type PortField = (typeof PORT_FIELDS)[number];

/** Reads and validates a connection file. Errors name the file and the invalid field. */
export function readConnectionFile(path: string): ConnectionInfo {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`Cannot read the connection file ${path}: ${(error as Error).message}`);
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`The connection file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseConnectionInfo(json, path);
}

/**
 * Validates the parsed JSON of a connection file. `source` names the file in error messages.
 * Throws a TypeError for a missing or mistyped field and a RangeError for an out-of-range port.
 */
export function parseConnectionInfo(json: unknown, source: string): ConnectionInfo {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new TypeError(`The connection file ${source} must contain a JSON object.`);
  }
  const fields = json as Record<string, unknown>;

  const transport = fields.transport ?? "tcp";
  if (transport !== "tcp" && transport !== "ipc") {
    throw new TypeError(`Invalid transport ${JSON.stringify(transport)} in ${source}. Use "tcp" or "ipc".`);
  }
  const ip = requireString(fields, "ip", source);
  const key = requireString(fields, "key", source);
  const scheme = fields.signature_scheme ?? DEFAULT_SIGNATURE_SCHEME;
  if (typeof scheme !== "string") {
    throw new TypeError(`Invalid signature_scheme in ${source}: expected a string, got ${typeof scheme}.`);
  }

  const ports = {} as Record<PortField, number>;
  for (const field of PORT_FIELDS) {
    ports[field] = requirePort(fields, field, source);
  }

  return {
    transport,
    ip,
    key,
    signature_scheme: scheme,
    ...ports,
    kernel_name: typeof fields.kernel_name === "string" ? fields.kernel_name : undefined,
  };
}

/** Returns the ZeroMQ endpoint to bind for `port`: `tcp://ip:port` or `ipc://ip-port`. */
export function socketEndpoint(info: ConnectionInfo, port: number): string {
  return info.transport === "tcp" ? `tcp://${info.ip}:${port}` : `ipc://${info.ip}-${port}`;
}

function requireString(fields: Record<string, unknown>, name: string, source: string): string {
  const value = fields[name];
  if (typeof value !== "string") {
    throw new TypeError(`Missing or invalid ${name} in ${source}: expected a string, got ${describe(value)}.`);
  }
  return value;
}

function requirePort(fields: Record<string, unknown>, name: string, source: string): number {
  const value = fields[name];
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(`Missing or invalid ${name} in ${source}: expected an integer, got ${describe(value)}.`);
  }
  // Port 0 would let the system choose, but Jupyter clients connect to the ports in this file.
  if (value < 1 || value > 65535) {
    throw new RangeError(`Invalid ${name} ${value} in ${source}: ports must be in [1, 65535].`);
  }
  return value;
}

function describe(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}
