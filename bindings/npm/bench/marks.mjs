// Rich text on the automerge-paper trace, against Loro and Automerge in the same run: replay the
// first N patches and, after every 20 characters typed, mark the 10 characters before the
// caret (bold and italic in turn, expanding after, and every fifth mark a link that does not
// expand). Reports the time to apply everything, to read the runs (`toDelta`), the saved size
// and the time to load it; checks that every library ends with the trace's text and the same
// runs.
//
//   node bench/marks.mjs [patches]   (from bindings/npm, after the build; default 20,000)
//
// The trace is read from $WEFT_TRACES/sequential_traces/automerge-paper.json.gz.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { gunzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const traces = process.env.WEFT_TRACES ?? resolve(here, "../../../../shared/traces");
const tracePath = join(traces, "sequential_traces", "automerge-paper.json.gz");
if (!existsSync(tracePath)) {
  console.log(`automerge-paper not found at ${tracePath} (set WEFT_TRACES): skipping`);
  process.exit(0);
}
const trace = JSON.parse(gunzipSync(readFileSync(tracePath)).toString("utf8"));
const limit = Number(process.argv[2] ?? 20_000);
const patches = trace.txns.slice(0, limit).flatMap((txn) => txn.patches);

/** The edits: the trace's patches, with a mark after every 20 characters typed. */
function edits() {
  const list = [];
  let typed = 0;
  let marks = 0;
  let length = 0;
  for (const [at, removed, inserted] of patches) {
    list.push({ at, removed, inserted });
    length += inserted.length - removed;
    typed += inserted.length;
    if (typed >= 20) {
      typed = 0;
      const end = Math.min(at + inserted.length, length);
      const start = Math.max(0, end - 10);
      if (end > start) {
        const kind = marks % 5 === 4 ? "link" : marks % 2 === 0 ? "bold" : "italic";
        list.push({ mark: kind, start, end, value: kind === "link" ? `https://example.com/${marks}` : true });
        marks += 1;
      }
    }
  }
  return { list, marks };
}

const libraries = {
  async weft() {
    const { Doc } = await import("weft-crdt");
    const doc = new Doc();
    const text = doc.getText("t");
    return {
      apply(edit) {
        if (edit.mark) return text.mark(edit.start, edit.end - edit.start, edit.mark, edit.value);
        if (edit.removed > 0) text.delete(edit.at, edit.removed);
        if (edit.inserted) text.insert(edit.at, edit.inserted);
      },
      runs: () => text.toDelta().map((run) => [run.insert, run.attributes ?? {}]),
      save: () => doc.save(),
      load: (bytes) => Doc.load(bytes).getText("t").length,
    };
  },
  async loro() {
    const { LoroDoc } = await import("loro-crdt");
    const doc = new LoroDoc();
    doc.configTextStyle({ bold: { expand: "after" }, italic: { expand: "after" }, link: { expand: "none" } });
    const text = doc.getText("t");
    return {
      apply(edit) {
        if (edit.mark) text.mark({ start: edit.start, end: edit.end }, edit.mark, edit.value);
        else {
          if (edit.removed > 0) text.delete(edit.at, edit.removed);
          if (edit.inserted) text.insert(edit.at, edit.inserted);
        }
        doc.commit();
      },
      runs: () => text.toDelta().map((run) => [run.insert, run.attributes ?? {}]),
      save: () => doc.export({ mode: "snapshot" }),
      load: (bytes) => {
        const loaded = new LoroDoc();
        loaded.import(bytes);
        return loaded.getText("t").length;
      },
    };
  },
  async automerge() {
    const A = await import("@automerge/automerge");
    let doc = A.from({ t: "" });
    return {
      apply(edit) {
        doc = A.change(doc, (d) => {
          if (edit.mark) {
            const expand = edit.mark === "link" ? "none" : "after";
            A.mark(d, ["t"], { start: edit.start, end: edit.end, expand }, edit.mark, edit.value);
          } else {
            A.splice(d, ["t"], edit.at, edit.removed, edit.inserted);
          }
        });
      },
      runs: () => {
        const spans = A.spans(doc, ["t"]);
        const runs = [];
        for (const span of spans) {
          if (span.type !== "text") continue;
          const attributes = Object.fromEntries(Object.entries(span.marks ?? {}).filter(([, value]) => value !== null));
          const last = runs.at(-1);
          if (last && JSON.stringify(last[1]) === JSON.stringify(attributes)) last[0] += span.value;
          else runs.push([span.value, attributes]);
        }
        return runs;
      },
      save: () => A.save(doc),
      load: (bytes) => A.load(bytes).t.length,
    };
  },
};

const { list, marks } = edits();
console.log(`automerge-paper, ${patches.length} patches and ${marks} marks (one after every 20 characters); node ${process.version}`);
console.log("| library | apply ms | toDelta ms | runs | saved bytes | load ms |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
const results = {};
for (const [name, make] of Object.entries(libraries)) {
  const library = await make();
  let started = performance.now();
  for (const edit of list) library.apply(edit);
  const applied = performance.now() - started;
  started = performance.now();
  const runs = library.runs();
  const read = performance.now() - started;
  const saved = library.save();
  started = performance.now();
  library.load(saved);
  const loaded = performance.now() - started;
  results[name] = { applied, read, saved: saved.length, loaded, runs };
  console.log(
    `| ${name} | ${applied.toFixed(0)} | ${read.toFixed(1)} | ${runs.length} | ${saved.length} | ${loaded.toFixed(1)} |`,
  );
}
const text = (runs) => runs.map(([insert]) => insert).join("");
const sorted = (runs) => JSON.stringify(runs.map(([insert, attributes]) => [insert, Object.entries(attributes).sort()]));
for (const [name, result] of Object.entries(results)) {
  if (text(result.runs) !== text(results.weft.runs)) throw new Error(`${name}: a different text`);
  if (sorted(result.runs) !== sorted(results.weft.runs)) {
    const at = result.runs.findIndex((run, i) => sorted([run]) !== sorted([results.weft.runs[i] ?? ["", {}]]));
    console.log(`note: ${name}'s runs differ from weft's at run ${at}:`, JSON.stringify(result.runs[at]), JSON.stringify(results.weft.runs[at]));
  }
}
for (const peer of ["loro", "automerge"]) {
  const ratio = (key) => (results.weft[key] / results[peer][key]).toFixed(2);
  console.log(`weft ÷ ${peer}: apply ${ratio("applied")}×, toDelta ${ratio("read")}×, saved size ${ratio("saved")}×, load ${ratio("loaded")}×`);
}
