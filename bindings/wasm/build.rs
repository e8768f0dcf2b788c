//! Link settings of the WebAssembly build.
//!
//! The `target_features` section is written without `multivalue`: wasm-bindgen returns a
//! `Result` as several values when the module claims that feature, and V8 hands several
//! values to JavaScript as a fresh array on every call (259,778 arrays over automerge-paper,
//! enough garbage to grow V8's young generation by about 7 MB of resident memory). Without
//! it, wasm-bindgen returns them through memory, with no allocation. The Rust code uses no
//! multi-value function (its ABI returns one value), so the claim is only dropped, not broken.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!(
            "cargo:rustc-link-arg=--features=bulk-memory,bulk-memory-opt,call-indirect-overlong,\
             mutable-globals,nontrapping-fptoint,reference-types,sign-ext"
        );
        println!("cargo:rustc-link-arg=--no-check-features");
    }
}
