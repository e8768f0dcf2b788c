// The ProseMirror schema of a Weft rich text: the blocks and marks the flat text can carry.
import { Schema } from "prosemirror-model";
import type { DOMOutputSpec, Mark, Node } from "prosemirror-model";

/** Heading levels a `heading` mark on a block's "\n" can name. */
export const HEADING_LEVELS = [1, 2, 3, 4, 5, 6] as const;

/**
 * The schema the binding reads and writes: `doc > block+` where a block is a `paragraph`, a
 * `heading` (`level` 1–6) or a flat `bullet_list` / `ordered_list` of `list_item`s that hold
 * exactly one paragraph each (no nested lists); marks `strong`, `em` and `link` (`href`, not
 * inclusive: typing at a link's end is not linked, as in Weft).
 */
export const weftSchema = new Schema({
  nodes: {
    doc: { content: "block+" },
    paragraph: {
      content: "text*",
      group: "block",
      parseDOM: [{ tag: "p" }],
      toDOM: (): DOMOutputSpec => ["p", 0],
    },
    heading: {
      attrs: { level: { default: 1 } },
      content: "text*",
      group: "block",
      defining: true,
      parseDOM: HEADING_LEVELS.map((level) => ({ tag: `h${level}`, attrs: { level } })),
      toDOM: (node: Node): DOMOutputSpec => [`h${node.attrs.level}`, 0],
    },
    bullet_list: {
      content: "list_item+",
      group: "block",
      parseDOM: [{ tag: "ul" }],
      toDOM: (): DOMOutputSpec => ["ul", 0],
    },
    ordered_list: {
      content: "list_item+",
      group: "block",
      parseDOM: [{ tag: "ol" }],
      toDOM: (): DOMOutputSpec => ["ol", 0],
    },
    list_item: {
      content: "paragraph",
      defining: true,
      parseDOM: [{ tag: "li" }],
      toDOM: (): DOMOutputSpec => ["li", 0],
    },
    text: {},
  },
  marks: {
    strong: {
      parseDOM: [{ tag: "strong" }, { tag: "b" }],
      toDOM: (): DOMOutputSpec => ["strong", 0],
    },
    em: {
      parseDOM: [{ tag: "em" }, { tag: "i" }],
      toDOM: (): DOMOutputSpec => ["em", 0],
    },
    link: {
      attrs: { href: {} },
      inclusive: false,
      parseDOM: [{ tag: "a[href]", getAttrs: (dom: HTMLElement) => ({ href: dom.getAttribute("href") }) }],
      toDOM: (mark: Mark): DOMOutputSpec => ["a", { href: mark.attrs.href }, 0],
    },
  },
});
