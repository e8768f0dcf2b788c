// The view plugin that binds the editor to its text (TextBinding) and, with an undo manager,
// keeps the selections of the undo steps (UndoSelections); the undo and redo commands.
import { ViewPlugin } from "@codemirror/view";
import type { Command, EditorView, PluginValue, ViewUpdate } from "@codemirror/view";
import { TextBinding } from "./binding.js";
import { weftConfig } from "./config.js";
import { UndoSelections } from "./undo.js";

class SyncView implements PluginValue {
  readonly binding: TextBinding;
  readonly undo: UndoSelections | null;

  constructor(view: EditorView) {
    const config = view.state.facet(weftConfig);
    if (!config) throw new Error("weft-codemirror: the sync plugin needs weftCollab(...)");
    this.undo = config.undoManager ? new UndoSelections(view, config, config.undoManager) : null;
    this.binding = new TextBinding(view, config, (selection) => this.undo?.remember(selection));
    // The view cannot take a transaction while it is being made: the text wins right after.
    if (!this.binding.inSync) queueMicrotask(() => this.binding.resync());
  }

  update(update: ViewUpdate): void {
    this.binding.editorChanged(update.transactions);
  }

  destroy(): void {
    this.binding.destroy();
    this.undo?.destroy();
  }
}

/** The plugin `weftCollab` installs (first of its plugins: the others read the synced text). */
export const syncPlugin = ViewPlugin.fromClass(SyncView);

/**
 * Undoes the newest step of this editor's undo manager (Mod-z); `false` without one. The
 * selection goes back to where it was before the step.
 */
export const weftUndo: Command = (view) => {
  const undo = view.plugin(syncPlugin)?.undo;
  if (!undo) return false;
  undo.undo();
  return true;
};

/** Redoes the newest undone step (Mod-Shift-z, Mod-y); `false` without an undo manager. */
export const weftRedo: Command = (view) => {
  const undo = view.plugin(syncPlugin)?.undo;
  if (!undo) return false;
  undo.redo();
  return true;
};
