// The benchmark page: the same four libraries and the same paths as bench.mjs, in Chromium.
import * as Weft from "weft-crdt";
import * as Y from "yjs";
import initLoro, { LoroDoc } from "loro-crdt/web";
import * as Automerge from "@automerge/automerge";

await initLoro();

const libraries = {
  weft: {
    apply(patches) {
      const doc = new Weft.Doc();
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
    load: (bytes) => Weft.Doc.load(bytes),
    free: (doc) => doc.free(),
  },
  yjs: {
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
  },
  loro: {
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
  },
  automerge: {
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
  },
};

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

function time(runs, body) {
  const times = [];
  for (let run = 0; run < runs; run += 1) {
    const start = performance.now();
    body();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** Measures one library: apply, encoded size, load (as bench.mjs does, without memory). */
window.measure = (name, patches, end, runs) => {
  const lib = libraries[name];
  let doc;
  const apply = time(runs, () => {
    if (doc) lib.free(doc);
    doc = lib.apply(patches);
  });
  if (lib.text(doc) !== end) throw new Error(`${name}: wrong text`);
  const bytes = lib.save(doc);
  let loaded;
  const load = time(runs, () => {
    if (loaded) lib.free(loaded);
    loaded = lib.load(bytes);
    lib.text(loaded);
  });
  if (lib.text(loaded) !== end) throw new Error(`${name}: wrong text after load`);
  lib.free(doc);
  lib.free(loaded);
  return { name, apply, size: bytes.length, load };
};
window.ready = true;
