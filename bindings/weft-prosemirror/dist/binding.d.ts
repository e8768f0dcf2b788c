import type { EditorState, Transaction } from "prosemirror-state";
import type { Node } from "prosemirror-model";
import type { WeftConfig } from "./config.js";
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
export declare function shownRuns(runs: readonly TextRun[]): TextRun[];
/**
 * Keeps `config.text` and an editor's document equal: each local editor change becomes one
 * Weft transaction with `config.origin` (the delta from the text to the document's flat
 * form); the text's changes of any other origin come to the editor as one transaction with
 * the meta `WEFT_REMOTE_META`, replacing only the changed range, the selection kept on its
 * characters through stable cursors.
 */
export declare class RichTextBinding {
    private readonly host;
    private readonly config;
    private readonly beforeLocalChange?;
    private readonly unobserve;
    private writing;
    private destroyed;
    private resyncQueued;
    private cursors;
    private lastDoc;
    /**
     * `beforeLocalChange` hears the selection (as cursors) the editor had before each local
     * change it writes, just before the text changes.
     */
    constructor(host: EditorHost, config: WeftConfig, beforeLocalChange?: ((selection: SelectionCursors | null) => void) | undefined);
    /** Whether the editor's document shows the text. */
    get inSync(): boolean;
    /**
     * Writes the editor's change from `before` to its current state to the text, unless the
     * binding made it. Call after every state update (the view plugin does).
     */
    editorChanged(before: EditorState): void;
    /** Makes the editor's document the text's, by one replaced range, if they differ. */
    resync(): void;
    /** Stops listening to the text. */
    destroy(): void;
    private textChanged;
    /** Keeps the selection as cursors in the text (clamped to it). */
    private rememberSelection;
    private queueResync;
}
/** Replaces in `tr` the range where `from` and `to` differ, so that its document is `to`. */
export declare function replaceChanged(tr: Transaction, from: Node, to: Node): void;
