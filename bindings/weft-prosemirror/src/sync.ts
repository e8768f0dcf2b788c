// The plugin that binds an EditorView to its text (RichTextBinding) and, with an undo
// manager, keeps the selections of the undo steps; the undo and redo commands.
import { Plugin, PluginKey } from "prosemirror-state";
import type { Command, EditorState } from "prosemirror-state";
import type { EditorView } from "prosemirror-view";
import { RichTextBinding } from "./binding.js";
import type { WeftConfig } from "./config.js";
import { UndoSelections } from "./undo.js";

/** The key of the sync plugin; its state is the binding's configuration. */
export const syncKey = new PluginKey<WeftConfig>("weft-prosemirror:sync");

class SyncView {
  readonly binding: RichTextBinding;
  readonly undo: UndoSelections | null;

  constructor(view: EditorView, config: WeftConfig) {
    this.undo = config.undoManager ? new UndoSelections(view, config, config.undoManager) : null;
    this.binding = new RichTextBinding(view, config, (cursors) => this.undo?.remember(cursors));
    // The view cannot take a transaction while it is being made: the text wins right after.
    queueMicrotask(() => this.binding.resync());
  }

  update(_view: EditorView, before: EditorState): void {
    this.binding.editorChanged(before);
  }

  destroy(): void {
    this.binding.destroy();
    this.undo?.destroy();
  }
}

/** The plugin `weftProseMirror` puts first. */
export function syncPlugin(config: WeftConfig): Plugin<WeftConfig> {
  return new Plugin<WeftConfig>({
    key: syncKey,
    state: { init: () => config, apply: (_tr, value) => value },
    view: (view) => new SyncView(view, config),
  });
}

function undoCommand(step: "undo" | "redo"): Command {
  return (state, dispatch) => {
    const manager = syncKey.getState(state)?.undoManager;
    if (!manager) return false;
    if (dispatch) manager[step]();
    return true;
  };
}

/** Undoes this editor's newest step through the undo manager (Mod-z); `false` without one. */
export const weftUndo: Command = undoCommand("undo");

/** Redoes the newest undone step (Mod-Shift-z, Mod-y); `false` without an undo manager. */
export const weftRedo: Command = undoCommand("redo");
