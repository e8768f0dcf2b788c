// Entry point for browsers and bundlers: fetches and instantiates the WebAssembly module next
// to this file (`new URL(..., import.meta.url)`, which bundlers understand) before exporting.
import init from "./wasm/weft_wasm.js";

await init();

export * from "./api.js";
