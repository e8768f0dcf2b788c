//! Three document replicas driven by arbitrary bytes must converge.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    weft_tests::fuzzing::replicas(data);
});
