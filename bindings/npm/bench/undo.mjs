// Undo on the automerge-paper trace, against Yjs' and Loro's undo managers in the same run:
// apply the first N patches (each its own transaction and its own undo step), undo all of
// them step by step, then redo all of them; report each phase's time and check that undo
// empties the text and redo gives back the final text. Automerge has no undo manager.
//
//   node bench/undo.mjs [patches]   (from bindings/npm, after the build; default: all)
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
const limit = Number(process.argv[2] ?? trace.txns.length);
const patches = trace.txns.slice(0, limit).flatMap((txn) => txn.patches);

function expectedText() {
  const chars = [];
  for (const [at, removed, inserted] of patches) chars.splice(at, removed, ...inserted);
  return chars.join("");
}

const libraries = {
  async weft() {
    const { Doc, UndoManager } = await import("weft-crdt");
    const doc = new Doc();
    const text = doc.getText("t");
    const undo = new UndoManager(doc, { captureTimeout: 0, maxSteps: patches.length + 1 });
    return {
      apply([at, removed, inserted]) {
        if (removed > 0) text.delete(at, removed);
        if (inserted) text.insert(at, inserted);
        undo.stopCapturing();
      },
      undo: () => undo.undo(),
      redo: () => undo.redo(),
      text: () => text.toString(),
    };
  },
  async yjs() {
    const Y = await import("yjs");
    const doc = new Y.Doc();
    const text = doc.getText("t");
    const undo = new Y.UndoManager(text, { captureTimeout: 0 });
    return {
      apply([at, removed, inserted]) {
        doc.transact(() => {
          if (removed > 0) text.delete(at, removed);
          if (inserted) text.insert(at, inserted);
        });
        undo.stopCapturing();
      },
      undo: () => undo.undo() !== null,
      redo: () => undo.redo() !== null,
      text: () => text.toString(),
    };
  },
  async loro() {
    const { LoroDoc, UndoManager } = await import("loro-crdt");
    const doc = new LoroDoc();
    const text = doc.getText("t");
    const undo = new UndoManager(doc, { mergeInterval: 0, maxUndoSteps: patches.length + 1 });
    return {
      apply([at, removed, inserted]) {
        if (removed > 0) text.delete(at, removed);
        if (inserted) text.insert(at, inserted);
        doc.commit();
      },
      undo: () => undo.undo(),
      redo: () => undo.redo(),
      text: () => text.toString(),
    };
  },
};

const finalText = expectedText();
console.log(`automerge-paper, ${patches.length} patches, each its own undo step; node ${process.version}`);
console.log("library   apply ms   undo all ms   redo all ms   per undo µs");
const results = {};
for (const [name, make] of Object.entries(libraries)) {
  const lib = await make();
  let started = performance.now();
  for (const patch of patches) lib.apply(patch);
  const applied = performance.now() - started;
  if (lib.text() !== finalText) throw new Error(`${name}: the trace gave the wrong text`);
  started = performance.now();
  let undone = 0;
  while (lib.undo()) undone += 1;
  const undoTime = performance.now() - started;
  if (lib.text() !== "") throw new Error(`${name}: undo of everything left ${lib.text().length} chars`);
  started = performance.now();
  let redone = 0;
  while (lib.redo()) redone += 1;
  const redoTime = performance.now() - started;
  if (lib.text() !== finalText) throw new Error(`${name}: redo of everything gave the wrong text`);
  if (undone !== patches.length || redone !== patches.length) {
    throw new Error(`${name}: ${undone} undos and ${redone} redos for ${patches.length} steps`);
  }
  results[name] = { applied, undoTime, redoTime };
  console.log(
    `${name.padEnd(9)} ${applied.toFixed(0).padStart(8)} ${undoTime.toFixed(0).padStart(13)} ` +
      `${redoTime.toFixed(0).padStart(13)} ${((undoTime * 1000) / undone).toFixed(2).padStart(13)}`,
  );
}
for (const peer of ["yjs", "loro"]) {
  const ratio = (phase) => (results.weft[phase] / results[peer][phase]).toFixed(2);
  console.log(
    `weft ÷ ${peer}: apply ${ratio("applied")}×, undo all ${ratio("undoTime")}×, redo all ${ratio("redoTime")}×`,
  );
}
