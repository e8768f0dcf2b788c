// The mapping between ProseMirror documents of weftSchema and flat Weft texts: round trips,
// the empty document, the final "\n", and positions in UTF-16.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Doc } from "weft-crdt";
import { weftSchema, docToRuns, runsToDoc, posToIndex, indexToPos, diffRuns } from "../../dist/index.js";

const { nodes, marks } = weftSchema;
const t = (value, ...m) => weftSchema.text(value, m);
const p = (...content) => nodes.paragraph.create(null, content);
const h = (level, ...content) => nodes.heading.create({ level }, content);
const li = (...content) => nodes.list_item.create(null, p(...content));
const ul = (...items) => nodes.bullet_list.create(null, items);
const ol = (...items) => nodes.ordered_list.create(null, items);
const doc = (...blocks) => nodes.doc.create(null, blocks);
const bold = marks.strong.create();
const italic = marks.em.create();
const link = (href) => marks.link.create({ href });

/** The document through a real Weft text and back: runs written, runs read, doc rebuilt. */
function throughText(pmDoc) {
  const weft = new Doc();
  const text = weft.getText("rich");
  weft.setExpand("heading", "none");
  weft.setExpand("list", "none");
  text.applyDelta(docToRuns(pmDoc));
  return { runs: text.toDelta(), back: runsToDoc(text.toDelta(), weftSchema), text };
}

test("paragraphs, headings, both lists and inline marks round-trip through a Weft text", () => {
  const original = doc(
    h(1, t("Title")),
    p(t("plain "), t("bold", bold), t(" "), t("both", bold, italic), t(" and "), t("a link", link("https://x.test"))),
    ul(li(t("one")), li(t("two", italic))),
    ol(li(t("first")), li(t("second"))),
    ul(li(t("again"))),
    h(3, t("Sub")),
    p(),
  );
  const expected = [
    { insert: "Title" },
    { insert: "\n", attributes: { heading: 1 } },
    { insert: "plain " },
    { insert: "bold", attributes: { bold: true } },
    { insert: " " },
    { insert: "both", attributes: { bold: true, italic: true } },
    { insert: " and " },
    { insert: "a link", attributes: { link: "https://x.test" } },
    { insert: "\none" },
    { insert: "\n", attributes: { list: "bullet" } },
    { insert: "two", attributes: { italic: true } },
    { insert: "\n", attributes: { list: "bullet" } },
    { insert: "first" },
    { insert: "\n", attributes: { list: "ordered" } },
    { insert: "second" },
    { insert: "\n", attributes: { list: "ordered" } },
    { insert: "again" },
    { insert: "\n", attributes: { list: "bullet" } },
    { insert: "Sub" },
    { insert: "\n", attributes: { heading: 3 } },
    { insert: "\n" },
  ];
  const { runs, back } = throughText(original);
  assert.deepEqual(runs, expected);
  assert.ok(back.eq(original), back.toString());
  // Two lists of one kind separated by another block stay two lists.
  assert.equal(back.childCount, 7);
});

test("the empty document is the empty text; the text a binding writes ends with a newline", () => {
  assert.deepEqual(docToRuns(doc(p())), []);
  assert.ok(runsToDoc([], weftSchema).eq(doc(p())));
  assert.deepEqual(docToRuns(doc(p(t("a")))), [{ insert: "a\n" }]);
  // A heading alone is not empty: its "\n" carries the heading.
  assert.deepEqual(docToRuns(doc(h(2))), [{ insert: "\n", attributes: { heading: 2 } }]);
  // Read tolerantly: characters after the last "\n" are a last paragraph, "\n" alone one empty one.
  assert.ok(runsToDoc([{ insert: "a\nb" }], weftSchema).eq(doc(p(t("a")), p(t("b")))));
  assert.ok(runsToDoc([{ insert: "\n" }], weftSchema).eq(doc(p())));
  // Unknown marks and bad values are not shown.
  const odd = runsToDoc(
    [{ insert: "x", attributes: { comment: "c1", bold: true } }, { insert: "\n", attributes: { heading: 9 } }],
    weftSchema,
  );
  assert.ok(odd.eq(doc(p(t("x", bold)))));
});

test("emoji: positions are UTF-16 on both sides and round-trip", () => {
  const original = doc(p(t("a😀b")), ul(li(t("🎉", bold))));
  const { runs, back, text } = throughText(original);
  assert.ok(back.eq(original));
  assert.equal(text.length, "a😀b\n🎉\n".length);
  assert.deepEqual(runs, [{ insert: "a😀b\n" }, { insert: "🎉", attributes: { bold: true } }, { insert: "\n", attributes: { list: "bullet" } }]);
  // doc: <p>a😀b</p><ul><li><p>🎉</p></li></ul>: "b" is at pos 4 (after "a" and the pair).
  assert.equal(posToIndex(original, 4), 3);
  assert.equal(indexToPos(original, 3), 4);
  // The list item's paragraph content starts at 6 (p closes at 5, ul 6, li 7, p 8 → 9).
  assert.equal(indexToPos(original, 5), 9);
  assert.equal(posToIndex(original, 9), 5);
  assert.equal(indexToPos(original, 7), 11);
  // Every index maps to a position and back.
  for (let index = 0; index <= 7; index++) assert.equal(posToIndex(original, indexToPos(original, index)), index === 8 ? 7 : index);
});

test("diffRuns: one edit gives the minimal delta, formatting is a retain with attributes", () => {
  const before = [{ insert: "hello world\n" }];
  assert.deepEqual(diffRuns(before, before), []);
  assert.deepEqual(diffRuns(before, [{ insert: "hello brave world\n" }]), [{ retain: 6 }, { insert: "brave " }]);
  assert.deepEqual(diffRuns(before, [{ insert: "hello\n" }]), [{ retain: 5 }, { delete: 6 }]);
  assert.deepEqual(
    diffRuns(before, [{ insert: "hello " }, { insert: "world", attributes: { bold: true } }, { insert: "\n" }]),
    [{ retain: 6 }, { retain: 5, attributes: { bold: true } }],
  );
  assert.deepEqual(
    diffRuns([{ insert: "ab", attributes: { bold: true } }, { insert: "\n" }], [{ insert: "ab" }, { insert: "\n", attributes: { heading: 1 } }]),
    [{ retain: 2, attributes: { bold: null } }, { retain: 1, attributes: { heading: 1 } }],
  );
  assert.deepEqual(diffRuns([{ insert: "a😀b" }], [{ insert: "a😃b" }]), [{ retain: 1 }, { delete: 2 }, { insert: "😃" }]);
});
