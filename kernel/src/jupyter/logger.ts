/**
 * Level-gated logger for the kernel process. Lines go to a sink that the caller chooses
 * (the kernel passes the original stderr, before cell output capture replaces it).
 */

/** Log levels from the most to the least severe. `silent` turns logging off. */
export const LOG_LEVELS = Object.freeze(["silent", "error", "warn", "info", "debug"] as const);

export type LogLevel = (typeof LOG_LEVELS)[number];

/** A message, or a function that builds it only when its level is enabled. */
export type LogMessage = string | (() => string);

export interface Logger {
  readonly level: LogLevel;
  /** Logs `message` and, when given, the stack or text of `error`. */
  error(message: LogMessage, error?: unknown): void;
  warn(message: LogMessage, error?: unknown): void;
  info(message: LogMessage): void;
  debug(message: LogMessage): void;
}

export interface LoggerOptions {
  level: LogLevel;
  /** Receives one complete line, ending in a newline. */
  write: (line: string) => void;
  /** Name at the start of each line. */
  name?: string;
}

/** Creates a logger that writes `[name] <ISO time> LEVEL message` lines up to `level`. */
export function createLogger({ level, write, name = "dnaquant-kernel" }: LoggerOptions): Logger {
  const threshold = LOG_LEVELS.indexOf(level);

  function emit(messageLevel: Exclude<LogLevel, "silent">, message: LogMessage, error?: unknown): void {
    if (LOG_LEVELS.indexOf(messageLevel) > threshold) {
      return;
    }
    const text = typeof message === "function" ? message() : message;
    const detail = error === undefined ? "" : `\n${describeError(error)}`;
    write(`[${name}] ${new Date().toISOString()} ${messageLevel.toUpperCase()} ${text}${detail}\n`);
  }

  return {
    level,
    error: (message, error) => emit("error", message, error),
    warn: (message, error) => emit("warn", message, error),
    info: (message) => emit("info", message),
    debug: (message) => emit("debug", message),
  };
}

/**
 * Parses a log level name, case-insensitively.
 * Throws a RangeError that names `source` (such as an environment variable) for an unknown name.
 */
export function parseLogLevel(value: string, source: string): LogLevel {
  const normalized = value.trim().toLowerCase();
  const level = LOG_LEVELS.find((candidate) => candidate === normalized);
  if (level === undefined) {
    throw new RangeError(
      `Invalid log level ${JSON.stringify(value)} in ${source}. Use one of: ${LOG_LEVELS.join(", ")}.`,
    );
  }
  return level;
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    return error.stack ?? `${error.name}: ${error.message}`;
  }
  return String(error);
}
