// Undo and redo through Weft's undo manager: each step keeps the selection from before it (as
// stable cursors in its metadata); undoing or redoing it puts the selection back.
import { TextSelection } from "prosemirror-state";
import type { EditorView } from "prosemirror-view";
import { blockSpans, indexToPos } from "./positions.js";
import { resolveSelection } from "weft-crdt";
import type { WeftConfig } from "./config.js";
import type { SelectionCursors, UndoManagerLike } from "./types.js";

/** The undo step metadata key under which the selection before the step is kept. */
export const SELECTION_META = "weft-prosemirror:selection";

/** One editor's side of the undo manager: the selections of its steps. */
export class UndoSelections {
  private before: SelectionCursors | null = null;
  private readonly unsubscribe: Array<() => void>;
  private destroyed = false;

  constructor(
    private readonly view: EditorView,
    private readonly config: WeftConfig,
    readonly manager: UndoManagerLike,
  ) {
    this.unsubscribe = [
      manager.on("stack-item-added", ({ meta }) => {
        // A change joining the step it continues keeps the selection the step began with.
        if (this.before && !meta.has(SELECTION_META)) manager.setMeta(SELECTION_META, this.before);
        this.before = null;
      }),
      manager.on("stack-item-popped", ({ meta }) => {
        const cursors = meta.get(SELECTION_META);
        // The text changes after this event: put the selection back once it has.
        if (cursors) queueMicrotask(() => this.restore(cursors));
      }),
    ];
  }

  /** Keeps `cursors` (the editor's selection before a change is written) for the step. */
  remember(cursors: SelectionCursors | null): void {
    this.before = cursors;
  }

  /** Stops listening to the undo manager. */
  destroy(): void {
    this.destroyed = true;
    for (const unsubscribe of this.unsubscribe) unsubscribe();
  }

  private restore(cursors: unknown): void {
    if (this.destroyed) return;
    const selection = resolveSelection(this.config.text, cursors);
    if (!selection) return;
    const { doc } = this.view.state;
    const spans = blockSpans(doc);
    const anchor = indexToPos(doc, selection.anchor, spans);
    const head = indexToPos(doc, selection.head, spans);
    this.view.dispatch(this.view.state.tr.setSelection(TextSelection.create(doc, anchor, head)).scrollIntoView());
  }
}
