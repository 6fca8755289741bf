/**
 * Messages shown in an output area in place of a plot: invalid payloads, empty payloads and
 * plotting failures.
 */

/** CSS class of a message box. */
export const MESSAGE_CLASS = "dq-RenderedMessage";

/** CSS class of a message's first line. */
export const MESSAGE_TITLE_CLASS = "dq-RenderedMessage-title";

/** CSS class of a message's detail text. */
export const MESSAGE_DETAIL_CLASS = "dq-RenderedMessage-detail";

/** CSS modifier class of an error message. */
export const ERROR_MODIFIER_CLASS = "mod-error";

/** CSS modifier class of an informational message. */
export const INFO_MODIFIER_CLASS = "mod-info";

/**
 * Appends a message box to `host`. Text is set with `textContent`, so payload strings never
 * become markup.
 *
 * @returns The message box.
 */
export function renderMessage(host: HTMLElement, options: renderMessage.IOptions): HTMLElement {
  const { kind, title, detail } = options;

  const box = document.createElement("div");
  box.classList.add(MESSAGE_CLASS, kind === "error" ? ERROR_MODIFIER_CLASS : INFO_MODIFIER_CLASS);
  box.setAttribute("role", kind === "error" ? "alert" : "status");

  const heading = document.createElement("p");
  heading.className = MESSAGE_TITLE_CLASS;
  heading.textContent = title;
  box.appendChild(heading);

  if (detail) {
    const text = document.createElement("p");
    text.className = MESSAGE_DETAIL_CLASS;
    text.textContent = detail;
    box.appendChild(text);
  }

  host.appendChild(box);
  return box;
}

/** Options of {@link renderMessage}. */
export namespace renderMessage {
  export interface IOptions {
    /** `error` for a failure, `info` for a notice such as an empty payload. */
    kind: "error" | "info";
    /** First line: what could not be shown, or the notice itself. */
    title: string;
    /** Further text, such as the validation error naming the invalid field. */
    detail?: string;
  }
}

/** Returns the message of an Error, or the value as a string for anything else thrown. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
