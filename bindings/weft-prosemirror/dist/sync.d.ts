import { Plugin, PluginKey } from "prosemirror-state";
import type { Command } from "prosemirror-state";
import type { WeftConfig } from "./config.js";
/** The key of the sync plugin; its state is the binding's configuration. */
export declare const syncKey: PluginKey<WeftConfig>;
/** The plugin `weftProseMirror` puts first. */
export declare function syncPlugin(config: WeftConfig): Plugin<WeftConfig>;
/** Undoes this editor's newest step through the undo manager (Mod-z); `false` without one. */
export declare const weftUndo: Command;
/** Redoes the newest undone step (Mod-Shift-z, Mod-y); `false` without an undo manager. */
export declare const weftRedo: Command;
