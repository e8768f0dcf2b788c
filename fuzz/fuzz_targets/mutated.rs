//! Every decoder behind its frame. The first byte picks a target of the mutation fuzzer
//! (`weft_tests::mutation_fuzzer`); the rest is one of its inputs. libFuzzer mutates through
//! the same mutator as the stable fuzzer (the custom mutator below: structure-aware edits,
//! then the frame fix-up), and every input is fixed up once more before it is checked, so that
//! checksums and log record lengths hold and the inner decoders run.
#![no_main]

use weft_tests::SplitMix64;
use weft_tests::mutation::Mutator;
use weft_tests::mutation_fuzzer::{NAMES, Target, target};

thread_local! {
    static TARGETS: Vec<Target> = NAMES.iter().filter_map(|name| target(name)).collect();
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((choice, bytes)) = data.split_first() else {
        return;
    };
    TARGETS.with(|targets| {
        let target = &targets[usize::from(*choice) % targets.len()];
        let _ = target.check(&target.fix_up(bytes));
    });
});

libfuzzer_sys::fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    let room = max_size.min(data.len());
    if room == 0 {
        return 0;
    }
    TARGETS.with(|targets| {
        let mut random = SplitMix64::new(u64::from(seed));
        let choice = if size == 0 {
            random.index(targets.len())
        } else {
            usize::from(data[0]) % targets.len()
        };
        let target = &targets[choice];
        let corpus = target.corpus();
        // An empty or foreign input starts from the target's corpus.
        let start = if size > 1 {
            data[1..size].to_vec()
        } else {
            corpus[random.index(corpus.len())].clone()
        };
        let other = corpus[random.index(corpus.len())].clone();
        let mut mutator = Mutator::new(random);
        let mutant = target.mutant(&mut mutator, &start, &other);
        let length = (mutant.len() + 1).min(room);
        data[0] = choice as u8;
        data[1..length].copy_from_slice(&mutant[..length - 1]);
        length
    })
});
