//! Every decoder on arbitrary bytes: deltas and snapshots of every type, and documents.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    weft_tests::fuzzing::decode_everything(data);
});
