import type { Command } from "prosemirror-state";
/** Toggles bold (`strong`) over the selection, or for what is typed next (Mod-b). */
export declare const toggleBold: Command;
/** Toggles italic (`em`) over the selection, or for what is typed next (Mod-i). */
export declare const toggleItalic: Command;
/** Links the selected text to `href`; `false` when the selection is empty. */
export declare function setLink(href: string): Command;
/** Removes the links of the selection, or of the link around an empty selection. */
export declare const removeLink: Command;
/** Makes the selected blocks headings of `level` (1–6). */
export declare function setHeading(level: number): Command;
/** Makes the selected blocks plain paragraphs (no heading, no list). */
export declare const setParagraph: Command;
/** Makes the selected blocks a bullet list, or paragraphs when they all are one already. */
export declare const toggleBulletList: Command;
/** Makes the selected blocks an ordered list, or paragraphs when they all are one already. */
export declare const toggleOrderedList: Command;
/**
 * Enter in a list item: splits it into two items; in an empty item, ends the list there
 * (the item becomes a paragraph). `false` outside lists.
 */
export declare const splitListItem: Command;
/**
 * Backspace at the start of a list item: the first item of a list becomes a paragraph,
 * another joins the item before it. `false` elsewhere.
 */
export declare const joinListItemBackward: Command;
