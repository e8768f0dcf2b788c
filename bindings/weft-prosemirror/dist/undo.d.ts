import type { EditorView } from "prosemirror-view";
import type { WeftConfig } from "./config.js";
import type { SelectionCursors, UndoManagerLike } from "./types.js";
/** The undo step metadata key under which the selection before the step is kept. */
export declare const SELECTION_META = "weft-prosemirror:selection";
/** One editor's side of the undo manager: the selections of its steps. */
export declare class UndoSelections {
    private readonly view;
    private readonly config;
    readonly manager: UndoManagerLike;
    private before;
    private readonly unsubscribe;
    private destroyed;
    constructor(view: EditorView, config: WeftConfig, manager: UndoManagerLike);
    /** Keeps `cursors` (the editor's selection before a change is written) for the step. */
    remember(cursors: SelectionCursors | null): void;
    /** Stops listening to the undo manager. */
    destroy(): void;
    private restore;
}
