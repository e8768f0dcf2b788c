// The cost of a keystroke with one observer on the text, against Yjs' `observe` and Loro's
// `subscribe` in the same run: a text of N characters, then K single-character insertions at
// random places (seeded; each its own transaction, as typing is), with one listener that reads
// each event's delta (what an editor binding does), and without a listener. One warm-up run per
// library is not reported.
//
//   node bench/events.mjs [keystrokes]   (from bindings/npm, after the build)
import { performance } from "node:perf_hooks";

const SIZES = [10_000, 1_000_000];
const KEYSTROKES = Number(process.argv[2] ?? 2_000);

/** A seeded stream of positions (SplitMix64 on BigInt, as the Rust tests' generator). */
function positions(seed, count, length) {
  let state = BigInt(seed);
  const out = [];
  for (let i = 0; i < count; i += 1) {
    state = (state + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
    z ^= z >> 31n;
    out.push(Number(z % BigInt(length + i + 1)));
  }
  return out;
}

const libraries = {
  async weft() {
    const { Doc } = await import("weft-crdt");
    return (size) => {
      const doc = new Doc();
      const text = doc.getText("t");
      text.insert(0, "a".repeat(size));
      return {
        listen(onEvent) {
          text.observe((events) => {
            for (const event of events) onEvent(event.delta.length);
          });
        },
        type: (at) => text.insert(at, "x"),
        settle: async () => {},
        length: () => text.length,
        free: () => doc.free(),
      };
    };
  },
  async yjs() {
    const Y = await import("yjs");
    return (size) => {
      const doc = new Y.Doc();
      const text = doc.getText("t");
      text.insert(0, "a".repeat(size));
      return {
        listen(onEvent) {
          text.observe((event) => onEvent(event.delta.length));
        },
        type: (at) => text.insert(at, "x"),
        settle: async () => {},
        length: () => text.length,
        free: () => doc.destroy(),
      };
    };
  },
  async loro() {
    const { LoroDoc } = await import("loro-crdt");
    return (size) => {
      const doc = new LoroDoc();
      const text = doc.getText("t");
      text.insert(0, "a".repeat(size));
      doc.commit();
      return {
        listen(onEvent) {
          text.subscribe((batch) => {
            for (const event of batch.events) onEvent(event.diff.diff.length);
          });
        },
        type: (at) => {
          text.insert(at, "x");
          doc.commit();
        },
        // Loro delivers events after the commit returns, in a microtask.
        settle: () => new Promise((resolve) => setTimeout(resolve, 0)),
        length: () => text.length,
        free: () => doc.free(),
      };
    };
  },
};

async function measure(make, size, listening) {
  const doc = make(size);
  let heard = 0;
  if (listening) doc.listen(() => (heard += 1));
  const at = positions(7, KEYSTROKES, size);
  const started = performance.now();
  for (const position of at) doc.type(position);
  await doc.settle();
  const elapsed = performance.now() - started;
  if (doc.length() !== size + KEYSTROKES) throw new Error("wrong length");
  if (listening && heard < KEYSTROKES) throw new Error(`heard ${heard} of ${KEYSTROKES} events`);
  doc.free();
  return (elapsed * 1000) / KEYSTROKES;
}

const rows = [];
for (const [name, load] of Object.entries(libraries)) {
  const make = await load();
  await measure(make, SIZES[0], true); // warm-up, not reported
  for (const size of SIZES) {
    const quiet = await measure(make, size, false);
    const observed = await measure(make, size, true);
    rows.push({ name, size, quiet, observed });
  }
}
console.log(`${KEYSTROKES} keystrokes at random places, µs per keystroke (node ${process.version})\n`);
console.log("| library | text | no listener | one observer | ÷ weft (observer) |");
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const row of rows) {
  const weft = rows.find((other) => other.name === "weft" && other.size === row.size);
  console.log(
    `| ${row.name} | ${row.size.toLocaleString("en")} | ${row.quiet.toFixed(1)} µs | ${row.observed.toFixed(1)} µs | ${(row.observed / weft.observed).toFixed(2)}× |`,
  );
}
