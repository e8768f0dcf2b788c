// Memory taken by one library's document after the automerge-paper trace, in a fresh process:
// the growth of the resident set (RSS) after full GCs, over the same process before the edits
// (trace parsed, library loaded, one empty document made). RSS is what counts WebAssembly
// memories, which never shrink: for the WebAssembly libraries it includes their peak working
// memory, not only what the document retains. Prints bytes as JSON.
import { setTimeout as sleep } from "node:timers/promises";
import { libraries, loadTrace } from "./bench.mjs";

const name = process.argv[2];
const trace = loadTrace();
const lib = await libraries[name]();
lib.free(lib.apply([]));
const settled = async () => {
  for (let round = 0; round < 3; round += 1) {
    globalThis.gc();
    await sleep(50);
  }
  return process.memoryUsage().rss;
};
const before = await settled();
const doc = lib.apply(trace.patches);
const after = await settled();
if (lib.text(doc) !== trace.end) throw new Error("wrong text");
process.stdout.write(JSON.stringify(after - before));
