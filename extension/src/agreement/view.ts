/**
 * The DOM of the agreement view: header, table, the list of warnings, and the element that the
 * renderer draws the bar chart into. This module draws no plots.
 */

import type { AgreementPayload } from "dnaquant/payloads";

import { formatCount } from "../common/format";
import { describeError, renderMessage } from "../common/message";
import {
  AGREEMENT_COLUMNS,
  buildAgreementTable,
  describeAgreementPayload,
  listAgreementWarnings,
} from "./table";

/** CSS class of the renderer's root node. */
export const AGREEMENT_CLASS = "dq-RenderedAgreement";

/** CSS class of the line that names the model and the number of schemes. */
const HEADER_CLASS = "dq-RenderedAgreement-header";

/** CSS class of the agreement table. */
const TABLE_CLASS = "dq-RenderedAgreement-table";

/** CSS class of the warning sign in a scheme cell and in the warning list. */
const WARNING_ICON_CLASS = "dq-RenderedAgreement-warningIcon";

/** CSS class of the box that lists the warnings under the table. */
const WARNINGS_CLASS = "dq-RenderedAgreement-warnings";

/** CSS class of the loading text, or of a plotting failure message, above the plot. */
const STATUS_CLASS = "dq-RenderedAgreement-status";

/** CSS class of the element that plotly.js draws into. */
const PLOT_CLASS = "dq-RenderedAgreement-plot";

/** CSS modifier class of a table row with warnings. */
const WARNING_MODIFIER_CLASS = "mod-warning";

/** CSS modifier class of a numeric cell or heading, which is right-aligned. */
const NUMERIC_MODIFIER_CLASS = "mod-numeric";

/** The warning sign: U+26A0 WARNING SIGN. */
const WARNING_SIGN = "⚠";

/** The elements of a rendered payload that the renderer updates. */
export interface IAgreementView {
  /** Element that plotly.js draws the bar chart into. */
  readonly plot: HTMLDivElement;
  /** Removes the loading text or failure message above the plot. */
  clearStatus(): void;
  /** Shows a failure message above the plot. The table and the warnings stay visible. */
  showProblem(title: string, error: unknown): void;
}

/**
 * Appends the header, the table, the warning list (when a row has warnings), the status line and
 * the plot element to `host`.
 */
export function createAgreementView(host: HTMLElement, payload: AgreementPayload): IAgreementView {
  // Header: model, number of schemes and how many have warnings.
  const header = document.createElement("div");
  header.className = HEADER_CLASS;
  header.textContent = `Agreement with fp32: ${describeAgreementPayload(payload)}`;

  // Table: one row per scheme, rows with warnings highlighted.
  const table = createAgreementTable(payload);

  // Warnings, row by row, under the table.
  const warnings = listAgreementWarnings(payload);
  const warningBox = warnings.length > 0 ? createWarningList(warnings.map((warning) => warning.message)) : null;

  // Status line and plot element.
  const status = document.createElement("div");
  status.className = STATUS_CLASS;
  status.textContent = "Loading plotly.js…";

  const plot = document.createElement("div");
  plot.className = PLOT_CLASS;

  host.append(header, table, ...(warningBox ? [warningBox] : []), status, plot);

  return {
    plot,
    clearStatus(): void {
      status.replaceChildren();
    },
    showProblem(title: string, error: unknown): void {
      status.replaceChildren();
      renderMessage(status, { kind: "error", title, detail: describeError(error) });
    },
  };
}

/** Creates the agreement table: a heading row and one row per scheme. */
function createAgreementTable(payload: AgreementPayload): HTMLTableElement {
  const table = document.createElement("table");
  table.className = TABLE_CLASS;

  // Heading row, each heading with a tooltip that defines its column.
  const headRow = table.createTHead().insertRow();
  for (const column of AGREEMENT_COLUMNS) {
    const heading = document.createElement("th");
    heading.scope = "col";
    heading.textContent = column.label;
    heading.title = column.description;
    if (column.numeric) {
      heading.classList.add(NUMERIC_MODIFIER_CLASS);
    }
    headRow.appendChild(heading);
  }

  // One row per scheme. A row with warnings gets the modifier class and a warning sign before
  // its scheme, whose tooltip repeats the messages.
  const body = table.createTBody();
  for (const row of buildAgreementTable(payload)) {
    const tableRow = body.insertRow();
    tableRow.dataset["rowIndex"] = String(row.index);
    row.cells.forEach((cell, column) => {
      const tableCell = tableRow.insertCell();
      tableCell.textContent = cell.text;
      if (cell.title !== undefined) {
        tableCell.title = cell.title;
      }
      if (AGREEMENT_COLUMNS[column].numeric) {
        tableCell.classList.add(NUMERIC_MODIFIER_CLASS);
      }
    });

    if (row.warnings.length > 0) {
      tableRow.classList.add(WARNING_MODIFIER_CLASS);
      const count = row.warnings.length;
      const icon = createWarningIcon(`${formatCount(count)} ${count === 1 ? "warning" : "warnings"}`);
      icon.title = row.warnings.join("\n");
      tableRow.cells[0].prepend(icon);
    }
  }

  return table;
}

/** Creates the box under the table that lists every warning message. */
function createWarningList(messages: readonly string[]): HTMLElement {
  const box = document.createElement("div");
  box.className = WARNINGS_CLASS;
  box.setAttribute("role", "status");

  const title = document.createElement("p");
  const count = messages.length;
  title.textContent =
    count === 1
      ? "1 warning: a metric crossed its threshold"
      : `${formatCount(count)} warnings: metrics crossed their thresholds`;

  const list = document.createElement("ul");
  for (const message of messages) {
    const item = document.createElement("li");
    item.append(createWarningIcon("Warning"), message);
    list.appendChild(item);
  }

  box.append(title, list);
  return box;
}

/** Creates the warning sign as an image with the accessible name `label`. */
function createWarningIcon(label: string): HTMLSpanElement {
  const icon = document.createElement("span");
  icon.className = WARNING_ICON_CLASS;
  icon.setAttribute("role", "img");
  icon.setAttribute("aria-label", label);
  icon.textContent = WARNING_SIGN;
  return icon;
}
