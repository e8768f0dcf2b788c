// Undo and redo through Weft's undo manager, with the selection each step had before it kept
// as stable cursors in the step's metadata and put back when the step is undone or redone.
import { EditorSelection } from "@codemirror/state";
import type { EditorView } from "@codemirror/view";
import { SELECTION_META } from "./config.js";
import type { WeftConfig } from "./config.js";
import { resolveSelection, selectionToCursors } from "weft-crdt";
import type { SelectionCursors, UndoManagerLike } from "./types.js";

/** One editor's side of the undo manager: the selections of its steps. */
export class UndoSelections {
  private before: SelectionCursors | null = null;
  private restore: unknown = null;
  private readonly unsubscribe: Array<() => void>;
  private destroyed = false;

  constructor(
    private readonly view: EditorView,
    private readonly config: WeftConfig,
    private readonly manager: UndoManagerLike,
  ) {
    this.unsubscribe = [
      manager.on("stack-item-added", ({ meta }) => {
        // A change joining the step it continues keeps the selection the step began with.
        if (this.before && !meta.has(SELECTION_META)) manager.setMeta(SELECTION_META, this.before);
        this.before = null;
      }),
      manager.on("stack-item-popped", ({ meta }) => {
        if (!meta.has(SELECTION_META)) return;
        this.restore = meta.get(SELECTION_META);
        // The text may change after this event: put the selection back once it has.
        queueMicrotask(() => this.restoreSelection());
      }),
    ];
  }

  /** Keeps `selection` (the editor's, before a change is written to the text) for the step. */
  remember(selection: EditorSelection): void {
    this.before = selectionToCursors(this.config.text, selection.main.anchor, selection.main.head);
  }

  /** Undoes the newest step; whether there was one. */
  undo(): boolean {
    return this.run(() => this.manager.undo());
  }

  /** Redoes the newest undone step; whether there was one. */
  redo(): boolean {
    return this.run(() => this.manager.redo());
  }

  /** Stops listening to the undo manager. */
  destroy(): void {
    this.destroyed = true;
    for (const unsubscribe of this.unsubscribe) unsubscribe();
  }

  private run(step: () => boolean): boolean {
    // The opposite stack's new step begins at the selection the editor has now.
    this.remember(this.view.state.selection);
    const done = step();
    this.before = null;
    this.restoreSelection();
    return done;
  }

  private restoreSelection(): void {
    const cursors = this.restore;
    this.restore = null;
    if (cursors === null || this.destroyed) return;
    const selection = resolveSelection(this.config.text, cursors);
    if (!selection) return;
    const length = this.view.state.doc.length;
    const anchor = Math.min(selection.anchor, length);
    const head = Math.min(selection.head, length);
    this.view.dispatch({ selection: EditorSelection.single(anchor, head), scrollIntoView: true });
  }
}
