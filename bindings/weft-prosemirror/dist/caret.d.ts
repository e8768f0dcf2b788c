import type { WeftUser } from "./types.js";
/** The caret of `clientId`, drawn as a widget decoration. */
export declare function caretElement(clientId: string, user: WeftUser): HTMLElement;
/** The look of the carets and labels (colours come from presence), added once per page. */
export declare const CARET_CSS = "\n.weft-pm-caret { position: relative; display: inline-block; width: 0; height: 1.2em;\n  vertical-align: text-bottom; border-left: 2px solid; margin: 0 -1px; box-sizing: border-box; }\n.weft-pm-caret-label { position: absolute; bottom: 100%; left: -2px; padding: 0 4px;\n  border-radius: 3px 3px 3px 0; color: white; font: 11px/1.4 system-ui, sans-serif;\n  white-space: nowrap; pointer-events: none; user-select: none; z-index: 10; }\n";
/** Adds `CARET_CSS` to the document's head, once. */
export declare function injectCaretStyle(document: Document): void;
