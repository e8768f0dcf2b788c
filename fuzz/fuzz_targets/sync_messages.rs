//! Arbitrary sync messages received by a session against a document.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    weft_tests::fuzzing::sync_messages(data);
});
