import { Plugin, PluginKey } from "prosemirror-state";
import { DecorationSet } from "prosemirror-view";
import type { WeftConfig } from "./config.js";
import type { Node } from "prosemirror-model";
/** The key of the presence plugin; its state is the others' decorations. */
export declare const presenceKey: PluginKey<DecorationSet>;
/** The decorations of the others' selections in `doc` (which shows `config.text`). */
export declare function peerDecorations(config: WeftConfig, doc: Node): DecorationSet;
/** The plugin `weftProseMirror` adds when given `presence`. */
export declare function presencePlugin(config: WeftConfig): Plugin<DecorationSet>;
