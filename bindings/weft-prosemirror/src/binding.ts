// The two-way binding of a Weft text and a ProseMirror editor state, independent of the DOM:
// the view plugin drives it from an EditorView, the Node tests from a bare EditorState.
import { TextSelection } from "prosemirror-state";
import type { EditorState, Transaction } from "prosemirror-state";
import type { Node } from "prosemirror-model";
import { WEFT_REMOTE_META } from "./config.js";
import type { WeftConfig } from "./config.js";
import { diffRuns } from "./diff.js";
import { blockAttributes, docToRuns, inlineAttributes, pushRun, runsToDoc } from "./lines.js";
import { blockSpans, indexToPos, posToIndex } from "./positions.js";
import { resolveSelection, selectionToCursors } from "weft-crdt";
import type { SelectionCursors } from "./types.js";
import type { TextRun } from "weft-crdt";

/** Where the binding reads the editor's state and sends its transactions. */
export interface EditorHost {
  readonly state: EditorState;
  dispatch(tr: Transaction): void;
}

/**
 * The text's runs reduced to what the schema shows (unknown marks left out, values
 * normalized), characters unchanged: what a local change is compared with, so marks the
 * editor does not know are never touched.
 */
export function shownRuns(runs: readonly TextRun[]): TextRun[] {
  const out: TextRun[] = [];
  for (const run of runs) {
    const parts = run.insert.split(/(\n)/);
    for (const part of parts) {
      if (!part) continue;
      pushRun(out, part, part === "\n" ? blockAttributes(run.attributes) : inlineAttributes(run.attributes));
    }
  }
  return out;
}

/**
 * Keeps `config.text` and an editor's document equal: each local editor change becomes one
 * Weft transaction with `config.origin` (the delta from the text to the document's flat
 * form); the text's changes of any other origin come to the editor as one transaction with
 * the meta `WEFT_REMOTE_META`, replacing only the changed range, the selection kept on its
 * characters through stable cursors.
 */
export class RichTextBinding {
  private readonly unobserve: Array<() => void>;
  private writing = false;
  private destroyed = false;
  private resyncQueued = false;
  private cursors: SelectionCursors | null = null;
  private lastDoc: Node | null = null;

  /**
   * `beforeLocalChange` hears the selection (as cursors) the editor had before each local
   * change it writes, just before the text changes.
   */
  constructor(
    private readonly host: EditorHost,
    private readonly config: WeftConfig,
    private readonly beforeLocalChange?: (selection: SelectionCursors | null) => void,
  ) {
    config.doc.setExpand("heading", "none");
    config.doc.setExpand("list", "none");
    this.unobserve = [
      config.text.observe((events) => {
        if (events.length > 0 && events[0].origin !== config.origin) this.textChanged();
      }),
      // The text's creation and changes that waited for their dependencies ("reload") reach
      // the document's listeners, not the text's: check once every observer has run.
      config.doc.subscribe((events) => {
        if (events.length > 0 && events[0].origin !== config.origin && events.some((event) => event.type !== "text")) {
          this.queueResync();
        }
      }),
    ];
    this.lastDoc = host.state.doc;
    this.rememberSelection(host.state);
  }

  /** Whether the editor's document shows the text. */
  get inSync(): boolean {
    return this.host.state.doc.eq(runsToDoc(this.config.text.toDelta(), this.host.state.schema));
  }

  /**
   * Writes the editor's change from `before` to its current state to the text, unless the
   * binding made it. Call after every state update (the view plugin does).
   */
  editorChanged(before: EditorState): void {
    if (this.destroyed) return;
    const { state } = this.host;
    if (state.doc === this.lastDoc || state.doc.eq(before.doc)) {
      this.lastDoc = state.doc;
      this.rememberSelection(state);
      return;
    }
    this.lastDoc = state.doc;
    const { doc, text, origin } = this.config;
    const delta = diffRuns(shownRuns(text.toDelta()), docToRuns(state.doc));
    if (delta.length > 0) {
      this.beforeLocalChange?.(this.cursors);
      this.writing = true;
      try {
        doc.transact(() => text.applyDelta(delta), origin);
      } finally {
        this.writing = false;
      }
    }
    this.rememberSelection(state);
  }

  /** Makes the editor's document the text's, by one replaced range, if they differ. */
  resync(): void {
    this.resyncQueued = false;
    if (this.destroyed) return;
    const { state } = this.host;
    const next = runsToDoc(this.config.text.toDelta(), state.schema);
    if (next.eq(state.doc)) return;
    const tr = state.tr;
    replaceChanged(tr, state.doc, next);
    const selection = this.cursors ? resolveSelection(this.config.text, this.cursors) : null;
    if (selection) {
      const spans = blockSpans(tr.doc);
      const anchor = indexToPos(tr.doc, selection.anchor, spans);
      const head = indexToPos(tr.doc, selection.head, spans);
      tr.setSelection(TextSelection.create(tr.doc, anchor, head));
    }
    tr.setMeta(WEFT_REMOTE_META, true).setMeta("addToHistory", false);
    this.lastDoc = tr.doc;
    this.host.dispatch(tr);
  }

  /** Stops listening to the text. */
  destroy(): void {
    this.destroyed = true;
    for (const unobserve of this.unobserve) unobserve();
  }

  private textChanged(): void {
    if (this.destroyed) return;
    // A change of another origin while the editor's own is written (a listener of ours
    // changed the text): the editor is inside its update and cannot take a transaction.
    if (this.writing) this.queueResync();
    else this.resync();
  }

  /** Keeps the selection as cursors in the text (clamped to it). */
  private rememberSelection(state: EditorState): void {
    const spans = blockSpans(state.doc);
    const anchor = posToIndex(state.doc, state.selection.anchor, spans);
    const head = posToIndex(state.doc, state.selection.head, spans);
    this.cursors = selectionToCursors(this.config.text, anchor, head);
  }

  private queueResync(): void {
    if (this.resyncQueued) return;
    this.resyncQueued = true;
    queueMicrotask(() => this.resync());
  }
}

/** Replaces in `tr` the range where `from` and `to` differ, so that its document is `to`. */
export function replaceChanged(tr: Transaction, from: Node, to: Node): void {
  const start = from.content.findDiffStart(to.content);
  if (start === null) return;
  const ends = from.content.findDiffEnd(to.content);
  let endA = ends ? ends.a : from.content.size;
  let endB = ends ? ends.b : to.content.size;
  const overlap = start - Math.min(endA, endB);
  if (overlap > 0) {
    endA += overlap;
    endB += overlap;
  }
  try {
    tr.replace(start, endA, to.slice(start, endB));
  } catch {
    // Fall through to the whole document below.
  }
  if (!tr.doc.eq(to)) tr.replaceWith(0, tr.doc.content.size, to.content);
}
