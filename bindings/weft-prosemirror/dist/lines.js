// The flat model between a ProseMirror document and a Weft text: lines of inline runs, each
// ended by a "\n" whose attributes give the block's type (Quill-style).
import { Fragment } from "prosemirror-model";
import { weftSchema } from "./schema.js";
/** The block attributes of a "\n" the binding reads and writes. */
export const BLOCK_ATTRIBUTES = ["heading", "list"];
/** The inline attributes of characters the binding reads and writes. */
export const INLINE_ATTRIBUTES = ["bold", "italic", "link"];
/** The inline attributes among `attributes` that the schema shows, normalized. */
export function inlineAttributes(attributes) {
    const out = {};
    if (!attributes)
        return out;
    if (attributes.bold !== undefined && attributes.bold !== null && attributes.bold !== false)
        out.bold = true;
    if (attributes.italic !== undefined && attributes.italic !== null && attributes.italic !== false)
        out.italic = true;
    if (typeof attributes.link === "string")
        out.link = attributes.link;
    return out;
}
/**
 * The block attributes among `attributes` that the schema knows, normalized: `list`
 * "bullet" or "ordered", `heading` 1–6. Both may be set (concurrent changes); the document
 * shows the list then (a list item holds a paragraph), and a local change of the block
 * clears the other.
 */
export function blockAttributes(attributes) {
    const out = {};
    if (!attributes)
        return out;
    const { list, heading } = attributes;
    if (list === "bullet" || list === "ordered")
        out.list = list;
    if (typeof heading === "number" && Number.isInteger(heading) && heading >= 1 && heading <= 6)
        out.heading = heading;
    return out;
}
/** The attributes of the text node's marks. */
function marksToAttributes(marks) {
    const out = {};
    for (const mark of marks) {
        if (mark.type.name === "strong")
            out.bold = true;
        else if (mark.type.name === "em")
            out.italic = true;
        else if (mark.type.name === "link")
            out.link = String(mark.attrs.href);
    }
    return out;
}
/** The lines of a document of `weftSchema`, one per textblock, in order. */
export function docToLines(doc) {
    const lines = [];
    doc.descendants((node, _pos, parent) => {
        if (!node.isTextblock)
            return true;
        const runs = [];
        node.forEach((child) => {
            if (child.isText && child.text)
                runs.push({ text: child.text, attributes: marksToAttributes(child.marks) });
        });
        let block = {};
        if (node.type.name === "heading")
            block = { heading: node.attrs.level };
        else if (parent?.type.name === "list_item") {
            const list = doc.resolve(_pos).node(-1);
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
export function runsToLines(runs) {
    const lines = [];
    let current = [];
    for (const run of runs) {
        const parts = run.insert.split("\n");
        parts.forEach((part, i) => {
            if (i > 0) {
                lines.push({ runs: current, block: blockAttributes(run.attributes) });
                current = [];
            }
            if (part)
                current.push({ text: part, attributes: inlineAttributes(run.attributes) });
        });
    }
    if (current.length > 0 || lines.length === 0)
        lines.push({ runs: current, block: {} });
    return lines;
}
/**
 * The canonical runs of `lines`: every line's characters followed by its "\n" — so a text the
 * binding wrote always ends with "\n" — except that one empty paragraph is the empty text.
 */
export function linesToRuns(lines) {
    if (lines.length === 1 && lines[0].runs.length === 0 && Object.keys(lines[0].block).length === 0)
        return [];
    const runs = [];
    for (const line of lines) {
        for (const run of line.runs)
            pushRun(runs, run.text, run.attributes);
        pushRun(runs, "\n", line.block);
    }
    return runs;
}
/** Appends `insert` to `runs`, joining the last run when its attributes are the same. */
export function pushRun(runs, insert, attributes) {
    const last = runs[runs.length - 1];
    const has = attributes !== undefined && Object.keys(attributes).length > 0;
    if (last && sameAttributes(last.attributes, has ? attributes : undefined)) {
        last.insert += insert;
        return;
    }
    runs.push(has ? { insert, attributes: { ...attributes } } : { insert });
}
function sameAttributes(a, b) {
    const keysA = Object.keys(a ?? {});
    const keysB = Object.keys(b ?? {});
    return keysA.length === keysB.length && keysA.every((key) => JSON.stringify(a[key]) === JSON.stringify(b?.[key]));
}
/** The document of `lines`: consecutive list lines of one kind make one list. */
export function linesToDoc(lines, schema) {
    const { nodes, marks } = schema;
    const blocks = [];
    let list = null;
    const closeList = () => {
        if (!list)
            return;
        blocks.push((list.kind === "ordered" ? nodes.ordered_list : nodes.bullet_list).create(null, list.items));
        list = null;
    };
    for (const line of lines) {
        const content = Fragment.fromArray(line.runs.map((run) => {
            const runMarks = [];
            if (run.attributes.bold)
                runMarks.push(marks.strong.create());
            if (run.attributes.italic)
                runMarks.push(marks.em.create());
            if (typeof run.attributes.link === "string")
                runMarks.push(marks.link.create({ href: run.attributes.link }));
            return schema.text(run.text, runMarks);
        }));
        const kind = line.block.list;
        if (kind === "bullet" || kind === "ordered") {
            if (list && list.kind !== kind)
                closeList();
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
export function runsToDoc(runs, schema) {
    return linesToDoc(runsToLines(runs), schema);
}
/** The canonical runs of a document (what the binding makes the text). */
export function docToRuns(doc) {
    return linesToRuns(docToLines(doc));
}
/** The ProseMirror document (of `weftSchema`) that `text` holds now. */
export function textToDoc(text) {
    return runsToDoc(text.toDelta(), weftSchema);
}
