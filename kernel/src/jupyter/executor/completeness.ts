import type { TslabTypeScript } from "./tslab";

/** Whether a cell is ready to run, in the terms of Jupyter's is_complete_reply. */
export interface CompletenessResult {
  /** `incomplete` when the parser expects more input at the end, `invalid` for other syntax errors. */
  status: "complete" | "incomplete" | "invalid";
  /** Indentation for the next line, only when `status` is `incomplete`. */
  indent?: string;
}

/** Indentation added after a line that opens a block, a call or an array literal. */
const INDENT_STEP = "  ";

/**
 * Classifies `code` by parsing it as a TypeScript file (not TSX, like cells without `@jsx`).
 * Code that ends in a blank line is never `incomplete`, so a console user can submit an
 * unfinished cell by pressing Enter twice and see the compile error.
 */
export function checkCompleteness(ts: TslabTypeScript, code: string): CompletenessResult {
  const sourceFile = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  // parseDiagnostics is internal to TypeScript but present in every 5.x release.
  const diagnostics = sourceFile.parseDiagnostics ?? [];
  if (diagnostics.length === 0) {
    return { status: "complete" };
  }

  const endsWithBlankLine = /\n[ \t]*\n[ \t]*$/.test(code);
  const expectsMoreInput = diagnostics.some((diagnostic) => {
    const message = typeof diagnostic.messageText === "string" ? diagnostic.messageText : diagnostic.messageText.messageText;
    // The parser reports missing input as an empty span at the very end of the code.
    const atEnd = diagnostic.start >= code.length && diagnostic.length === 0;
    return atEnd && (message.endsWith(" expected.") || message.startsWith("Unterminated template literal"));
  });
  if (expectsMoreInput && !endsWithBlankLine) {
    return { status: "incomplete", indent: nextLineIndent(code) };
  }
  return { status: "invalid" };
}

function nextLineIndent(code: string): string {
  const lastLine = code.slice(code.lastIndexOf("\n") + 1);
  const indent = /^[ \t]*/.exec(lastLine)?.[0] ?? "";
  return /[{([]\s*$/.test(lastLine) ? indent + INDENT_STEP : indent;
}
