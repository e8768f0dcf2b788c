// Entry point for Node: reads the WebAssembly module next to this file synchronously.
import { readFileSync } from "node:fs";
import { initSync } from "./wasm/weft_wasm.js";

initSync({ module: readFileSync(new URL("./wasm/weft_wasm_bg.wasm", import.meta.url)) });

export * from "./api.js";
