// Applies the automerge-paper editing trace (259,778 single-character edits) through the built
// Weft package and through yjs, loro-crdt and @automerge/automerge, in the same run, and prints
// apply time, encoded size, load time and memory side by side, with ratios to Weft. *load*
// is the median of the runs, *first load* the first of them: the first load in the process
// also pays for compiling the code that loads (V8 compiles WebAssembly lazily, then again
// optimized for the functions that run hot, partly in the background during the next runs).
//
//   node --expose-gc bench/bench.mjs [runs] [library...]   (from bindings/npm, after the build)
//
// The trace is read from $WEFT_TRACES/sequential_traces/automerge-paper.json.gz, by default
// ../shared/traces beside the repository. Each library takes its fastest honest path: all
// edits in one transaction (Weft `transact`, Yjs `transact`, Loro one commit, Automerge one
// `change`), positions in UTF-16 code units (the trace is ASCII). The patches are read by
// index, not destructured: destructuring went through the array iterator and left 10 MB of
// garbage per run that every library's resident memory counted. Memory is measured in a
// fresh child process per library (memory.mjs): the growth of the resident set after full
// GCs, over the same process before the edits.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";

const here = dirname(fileURLToPath(import.meta.url));
const traces = process.env.WEFT_TRACES ?? resolve(here, "../../../../shared/traces");
const tracePath = join(traces, "sequential_traces", "automerge-paper.json.gz");

export function loadTrace() {
  if (!existsSync(tracePath)) {
    console.log(`automerge-paper not found at ${tracePath} (set WEFT_TRACES): skipping`);
    process.exit(0);
  }
  const trace = JSON.parse(gunzipSync(readFileSync(tracePath)).toString("utf8"));
  const patches = trace.txns.flatMap((txn) => txn.patches);
  return { patches, end: trace.endContent };
}

/** The libraries, each as: make an empty document, apply the trace, save, load, read the text. */
export const libraries = {
  async weft() {
    const { Doc } = await import("weft-crdt");
    return {
      apply(patches) {
        const doc = new Doc();
        const text = doc.getText("text");
        doc.transact(() => {
          for (let index = 0; index < patches.length; index += 1) {
            const patch = patches[index];
            const position = patch[0];
            const deleted = patch[1];
            const inserted = patch[2];
            if (deleted > 0) text.delete(position, deleted);
            if (inserted) text.insert(position, inserted);
          }
        });
        return doc;
      },
      text: (doc) => doc.getText("text").toString(),
      save: (doc) => doc.save(),
      load: (bytes) => Doc.load(bytes),
      free: (doc) => doc.free(),
    };
  },
  async yjs() {
    const Y = await import("yjs");
    return {
      apply(patches) {
        const doc = new Y.Doc();
        const text = doc.getText("text");
        doc.transact(() => {
          for (let index = 0; index < patches.length; index += 1) {
            const patch = patches[index];
            const position = patch[0];
            const deleted = patch[1];
            const inserted = patch[2];
            if (deleted > 0) text.delete(position, deleted);
            if (inserted) text.insert(position, inserted);
          }
        });
        return doc;
      },
      text: (doc) => doc.getText("text").toString(),
      save: (doc) => Y.encodeStateAsUpdate(doc),
      load(bytes) {
        const doc = new Y.Doc();
        Y.applyUpdate(doc, bytes);
        return doc;
      },
      free: (doc) => doc.destroy(),
    };
  },
  async loro() {
    const { LoroDoc } = await import("loro-crdt");
    return {
      apply(patches) {
        const doc = new LoroDoc();
        const text = doc.getText("text");
        for (let index = 0; index < patches.length; index += 1) {
          const patch = patches[index];
          const position = patch[0];
          const deleted = patch[1];
          const inserted = patch[2];
          if (deleted > 0) text.delete(position, deleted);
          if (inserted) text.insert(position, inserted);
        }
        doc.commit();
        return doc;
      },
      text: (doc) => doc.getText("text").toString(),
      save: (doc) => doc.export({ mode: "snapshot" }),
      load(bytes) {
        const doc = new LoroDoc();
        doc.import(bytes);
        return doc;
      },
      free: (doc) => doc.free(),
    };
  },
  async automerge() {
    const Automerge = await import("@automerge/automerge");
    return {
      apply(patches) {
        return Automerge.change(Automerge.from({ text: "" }), (doc) => {
          for (let index = 0; index < patches.length; index += 1) {
            const patch = patches[index];
            const position = patch[0];
            const deleted = patch[1];
            const inserted = patch[2];
            Automerge.splice(doc, ["text"], position, deleted, inserted);
          }
        });
      },
      text: (doc) => doc.text,
      save: (doc) => Automerge.save(doc),
      load: (bytes) => Automerge.load(bytes),
      free: (doc) => Automerge.free(doc),
    };
  },
};

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/** The times of `runs` runs of `body`, in order. */
function times(runs, body) {
  const taken = [];
  for (let run = 0; run < runs; run += 1) {
    globalThis.gc?.();
    const start = performance.now();
    body();
    taken.push(performance.now() - start);
  }
  return taken;
}

async function measure(name, runs, trace) {
  const lib = await libraries[name]();
  let doc;
  const apply = median(times(runs, () => {
    if (doc) lib.free(doc);
    doc = lib.apply(trace.patches);
  }));
  if (lib.text(doc) !== trace.end) throw new Error(`${name}: wrong text after the trace`);
  const bytes = lib.save(doc);
  let loaded;
  const loads = times(runs, () => {
    if (loaded) lib.free(loaded);
    loaded = lib.load(bytes);
    lib.text(loaded);
  });
  const [firstLoad] = loads;
  const load = median(loads);
  if (lib.text(loaded) !== trace.end) throw new Error(`${name}: wrong text after load`);
  const memory = JSON.parse(
    execFileSync(process.execPath, ["--expose-gc", join(here, "memory.mjs"), name], {
      encoding: "utf8",
      cwd: resolve(here, ".."),
    }),
  );
  return { name, apply, size: bytes.length, load, firstLoad, memory };
}

function table(rows) {
  const weft = rows.find((row) => row.name === "weft") ?? rows[0];
  const ratio = (value, base) => `${(value / base).toFixed(2)}×`;
  const ms = (value) => `${value.toFixed(1)} ms`;
  const kb = (value) => `${(value / 1024).toLocaleString("en", { maximumFractionDigits: 1 })} KiB`;
  const lines = [
    "| library | apply | ÷ weft | encoded | ÷ weft | load | ÷ weft | first load | ÷ weft | memory | ÷ weft |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.name} | ${ms(row.apply)} | ${ratio(row.apply, weft.apply)} | ${kb(row.size)} | ${ratio(row.size, weft.size)} | ${ms(row.load)} | ${ratio(row.load, weft.load)} | ${ms(row.firstLoad)} | ${ratio(row.firstLoad, weft.firstLoad)} | ${kb(row.memory)} | ${ratio(row.memory, weft.memory)} |`,
    );
  }
  return lines.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Number(process.argv[2] ?? 5);
  const only = process.argv.slice(3);
  const trace = loadTrace();
  console.log(`automerge-paper: ${trace.patches.length} patches, median of ${runs} runs, node ${process.version}`);
  const rows = [];
  for (const name of Object.keys(libraries).filter((name) => !only.length || only.includes(name))) {
    rows.push(await measure(name, runs, trace));
    console.error(`${name}: done`);
  }
  console.log(table(rows));
}
