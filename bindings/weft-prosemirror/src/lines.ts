// The flat model between a ProseMirror document and a Weft text: lines of inline runs, each
// ended by a "\n" whose attributes give the block's type (Quill-style).
import { Fragment } from "prosemirror-model";
import type { Mark, Node, Schema } from "prosemirror-model";
import type { MarkAttributes, TextRef, TextRun } from "weft-crdt";
import { weftSchema } from "./schema.js";

/** Attributes of a run of characters or of a block's "\n", as Weft's deltas carry them. */
export type Attributes = MarkAttributes;

/** Characters with the inline attributes (`bold`, `italic`, `link`) they carry. */
export interface InlineRun {
  text: string;
  attributes: Attributes;
}

/** One block: its inline runs and the attributes of its "\n" (`heading`, `list`). */
export interface Line {
  runs: InlineRun[];
  block: Attributes;
}

/** The block attributes of a "\n" the binding reads and writes. */
export const BLOCK_ATTRIBUTES = ["heading", "list"] as const;
/** The inline attributes of characters the binding reads and writes. */
export const INLINE_ATTRIBUTES = ["bold", "italic", "link"] as const;

/** The inline attributes among `attributes` that the schema shows, normalized. */
export function inlineAttributes(attributes: Attributes | undefined): Attributes {
  const out: Attributes = {};
  if (!attributes) return out;
  if (attributes.bold !== undefined && attributes.bold !== null && attributes.bold !== false) out.bold = true;
  if (attributes.italic !== undefined && attributes.italic !== null && attributes.italic !== false) out.italic = true;
  if (typeof attributes.link === "string") out.link = attributes.link;
  return out;
}

/**
 * The block attributes among `attributes` that the schema knows, normalized: `list`
 * "bullet" or "ordered", `heading` 1–6. Both may be set (concurrent changes); the document
 * shows the list then (a list item holds a paragraph), and a local change of the block
 * clears the other.
 */
export function blockAttributes(attributes: Attributes | undefined): Attributes {
  const out: Attributes = {};
  if (!attributes) return out;
  const { list, heading } = attributes;
  if (list === "bullet" || list === "ordered") out.list = list;
  if (typeof heading === "number" && Number.isInteger(heading) && heading >= 1 && heading <= 6) out.heading = heading;
  return out;
}

/** The attributes of the text node's marks. */
function marksToAttributes(marks: readonly Mark[]): Attributes {
  const out: Attributes = {};
  for (const mark of marks) {
    if (mark.type.name === "strong") out.bold = true;
    else if (mark.type.name === "em") out.italic = true;
    else if (mark.type.name === "link") out.link = String(mark.attrs.href);
  }
  return out;
}

/** The lines of a document of `weftSchema`, one per textblock, in order. */
export function docToLines(doc: Node): Line[] {
  const lines: Line[] = [];
  doc.descendants((node, pos, parent) => {
    if (!node.isTextblock) return true;
    const runs: InlineRun[] = [];
    node.forEach((child) => {
      if (child.isText && child.text) runs.push({ text: child.text, attributes: marksToAttributes(child.marks) });
    });
    let block: Attributes = {};
    if (node.type.name === "heading") block = { heading: node.attrs.level };
    else if (parent?.type.name === "list_item") {
      const list = doc.resolve(pos).node(-1);
      block = { list: list.type.name === "ordered_list" ? "ordered" : "bullet" };
    }
    lines.push({ runs, block });
    return false;
  });
  return lines;
}

/**
 * The lines of a text's runs: each "\n" ends a line (its attributes the block's); characters
 * after the last "\n" are a last paragraph of their own; no line at all is one empty paragraph.
 */
export function runsToLines(runs: readonly TextRun[]): Line[] {
  const lines: Line[] = [];
  let current: InlineRun[] = [];
  for (const run of runs) {
    const parts = run.insert.split("\n");
    parts.forEach((part, i) => {
      if (i > 0) {
        lines.push({ runs: current, block: blockAttributes(run.attributes) });
        current = [];
      }
      if (part) current.push({ text: part, attributes: inlineAttributes(run.attributes) });
    });
  }
  if (current.length > 0 || lines.length === 0) lines.push({ runs: current, block: {} });
  return lines;
}

/**
 * The canonical runs of `lines`: every line's characters followed by its "\n" — so a text the
 * binding wrote always ends with "\n" — except that one empty paragraph is the empty text.
 */
export function linesToRuns(lines: readonly Line[]): TextRun[] {
  if (lines.length === 1 && lines[0].runs.length === 0 && Object.keys(lines[0].block).length === 0) return [];
  const runs: TextRun[] = [];
  for (const line of lines) {
    for (const run of line.runs) pushRun(runs, run.text, run.attributes);
    pushRun(runs, "\n", line.block);
  }
  return runs;
}

/** Appends `insert` to `runs`, joining the last run when its attributes are the same. */
export function pushRun(runs: TextRun[], insert: string, attributes: Attributes | undefined): void {
  const last = runs[runs.length - 1];
  const has = attributes !== undefined && Object.keys(attributes).length > 0;
  if (last && sameAttributes(last.attributes, has ? attributes : undefined)) {
    last.insert += insert;
    return;
  }
  runs.push(has ? { insert, attributes: { ...attributes } } : { insert });
}

function sameAttributes(a: Attributes | undefined, b: Attributes | undefined): boolean {
  const keysA = Object.keys(a ?? {});
  const keysB = Object.keys(b ?? {});
  return keysA.length === keysB.length && keysA.every((key) => JSON.stringify(a![key]) === JSON.stringify(b?.[key]));
}

/** The document of `lines`: consecutive list lines of one kind make one list. */
export function linesToDoc(lines: readonly Line[], schema: Schema): Node {
  const { nodes, marks } = schema;
  const blocks: Node[] = [];
  let list: { kind: string; items: Node[] } | null = null;
  const closeList = () => {
    if (!list) return;
    blocks.push((list.kind === "ordered" ? nodes.ordered_list : nodes.bullet_list).create(null, list.items));
    list = null;
  };
  for (const line of lines) {
    const content = Fragment.fromArray(
      line.runs.map((run) => {
        const runMarks: Mark[] = [];
        if (run.attributes.bold) runMarks.push(marks.strong.create());
        if (run.attributes.italic) runMarks.push(marks.em.create());
        if (typeof run.attributes.link === "string") runMarks.push(marks.link.create({ href: run.attributes.link }));
        return schema.text(run.text, runMarks);
      }),
    );
    const kind = line.block.list;
    if (kind === "bullet" || kind === "ordered") {
      if (list && list.kind !== kind) closeList();
      list ??= { kind, items: [] };
      list.items.push(nodes.list_item.create(null, nodes.paragraph.create(null, content)));
      continue;
    }
    closeList();
    const level = line.block.heading;
    blocks.push(typeof level === "number" ? nodes.heading.create({ level }, content) : nodes.paragraph.create(null, content));
  }
  closeList();
  return nodes.doc.create(null, blocks);
}

/** The document a text's runs show. */
export function runsToDoc(runs: readonly TextRun[], schema: Schema): Node {
  return linesToDoc(runsToLines(runs), schema);
}

/** The canonical runs of a document (what the binding makes the text). */
export function docToRuns(doc: Node): TextRun[] {
  return linesToRuns(docToLines(doc));
}

/** The ProseMirror document (of `weftSchema`) that `text` holds now. */
export function textToDoc(text: TextRef): Node {
  return runsToDoc(text.toDelta(), weftSchema);
}
