import { Schema } from "prosemirror-model";
/** Heading levels a `heading` mark on a block's "\n" can name. */
export declare const HEADING_LEVELS: readonly [1, 2, 3, 4, 5, 6];
/**
 * The schema the binding reads and writes: `doc > block+` where a block is a `paragraph`, a
 * `heading` (`level` 1–6) or a flat `bullet_list` / `ordered_list` of `list_item`s that hold
 * exactly one paragraph each (no nested lists); marks `strong`, `em` and `link` (`href`, not
 * inclusive: typing at a link's end is not linked, as in Weft).
 */
export declare const weftSchema: Schema<"doc" | "paragraph" | "heading" | "bullet_list" | "ordered_list" | "list_item" | "text", "strong" | "em" | "link">;
