// The DOM of another person's caret: a thin bar in their colour with their name above it.
import type { WeftUser } from "./types.js";

/** The caret of `clientId`, drawn as a widget decoration. */
export function caretElement(clientId: string, user: WeftUser): HTMLElement {
  const caret = document.createElement("span");
  caret.className = "weft-pm-caret";
  caret.dataset.client = clientId;
  caret.style.borderLeftColor = user.color;
  caret.setAttribute("aria-hidden", "true");
  caret.contentEditable = "false";
  const label = document.createElement("span");
  label.className = "weft-pm-caret-label";
  label.style.backgroundColor = user.color;
  label.textContent = user.name;
  caret.append(label);
  return caret;
}

/** The look of the carets and labels (colours come from presence), added once per page. */
export const CARET_CSS = `
.weft-pm-caret { position: relative; display: inline-block; width: 0; height: 1.2em;
  vertical-align: text-bottom; border-left: 2px solid; margin: 0 -1px; box-sizing: border-box; }
.weft-pm-caret-label { position: absolute; bottom: 100%; left: -2px; padding: 0 4px;
  border-radius: 3px 3px 3px 0; color: white; font: 11px/1.4 system-ui, sans-serif;
  white-space: nowrap; pointer-events: none; user-select: none; z-index: 10; }
`;

/** Adds `CARET_CSS` to the document's head, once. */
export function injectCaretStyle(document: Document): void {
  if (document.getElementById("weft-pm-caret-style")) return;
  const style = document.createElement("style");
  style.id = "weft-pm-caret-style";
  style.textContent = CARET_CSS;
  document.head.append(style);
}
