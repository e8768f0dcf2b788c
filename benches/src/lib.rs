//! Shared pieces of the Weft benchmarks: timing, a counting allocator, trace loading and
//! table printing.
//!
//! Every benchmark binary runs Weft and its peers side by side in one process and prints
//! ratios, because absolute times drift on shared machines while ratios hold.

#![allow(clippy::print_stdout)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub mod traces;

/// A global allocator that counts the bytes currently allocated, to measure heap retained.
/// Install it in a benchmark binary with
/// `#[global_allocator] static ALLOCATOR: CountingAllocator = CountingAllocator::new();`.
pub struct CountingAllocator {
    live: AtomicUsize,
}

impl CountingAllocator {
    /// A counter at zero.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            live: AtomicUsize::new(0),
        }
    }

    /// Bytes currently allocated through this allocator.
    pub fn live_bytes(&self) -> usize {
        self.live.load(Ordering::Relaxed)
    }
}

impl Default for CountingAllocator {
    fn default() -> Self {
        Self::new()
    }
}

#[allow(unsafe_code)]
// SAFETY: every method forwards to the system allocator with the caller's arguments unchanged
// and only updates a counter beside it, so the GlobalAlloc contract is the system's.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged; the caller upholds `alloc`'s contract.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            self.live.fetch_add(layout.size(), Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged; `pointer` came from this allocator with `layout`.
        unsafe { System.dealloc(pointer, layout) };
        self.live.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged; the caller upholds `realloc`'s contract.
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            self.live.fetch_sub(layout.size(), Ordering::Relaxed);
            self.live.fetch_add(new_size, Ordering::Relaxed);
        }
        moved
    }
}

/// Runs `work` `runs` times (after one warm-up) and returns the median duration.
pub fn median_time<T>(runs: usize, mut work: impl FnMut() -> T) -> Duration {
    std::hint::black_box(work());
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(work());
            start.elapsed()
        })
        .collect();
    times.sort_unstable();
    times[times.len() / 2]
}

/// The folder holding the editing traces: `$WEFT_TRACES`, or `../shared/traces` next to the
/// workspace. `None` (with a message) when it is absent.
pub fn traces_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("WEFT_TRACES").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/traces"),
        PathBuf::from,
    );
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "editing traces not found at {} (set WEFT_TRACES; see README): skipping",
            dir.display()
        );
        None
    }
}

/// Milliseconds with two decimals.
#[must_use]
pub fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Prints a table: a header row, then rows, columns padded to their widest cell.
pub fn print_table(header: &[&str], rows: &[Vec<String>]) {
    let columns = header.len();
    let mut widths: Vec<usize> = header.iter().map(|cell| cell.len()).collect();
    for row in rows {
        for (column, cell) in row.iter().enumerate().take(columns) {
            widths[column] = widths[column].max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(column, cell)| format!("{cell:<width$}", width = widths[column]))
            .collect();
        println!("| {} |", padded.join(" | "));
    };
    line(header.iter().map(|cell| (*cell).to_string()).collect());
    line(widths.iter().map(|width| "-".repeat(*width)).collect());
    for row in rows {
        line(row.clone());
    }
}

/// `value / best` formatted as a ratio such as `1.35×`.
#[must_use]
pub fn ratio(value: f64, best: f64) -> String {
    if best > 0.0 {
        format!("{:.2}×", value / best)
    } else {
        "–".to_string()
    }
}

/// Runs `work` on a fresh input from `setup` `runs` times (after one warm-up) and returns the
/// median duration of `work` alone, for operations that consume or change their input (a
/// merge into a copy of a replica, say). Dropping what `work` returns is not timed.
pub fn median_time_with_setup<I, T>(
    runs: usize,
    mut setup: impl FnMut() -> I,
    mut work: impl FnMut(I) -> T,
) -> Duration {
    std::hint::black_box(work(setup()));
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let input = setup();
            let start = Instant::now();
            let output = std::hint::black_box(work(input));
            let elapsed = start.elapsed();
            drop(output);
            elapsed
        })
        .collect();
    times.sort_unstable();
    times[times.len() / 2]
}

/// `value` with thousands separators, such as `3,200,152`.
#[must_use]
pub fn grouped(value: usize) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (position, digit) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
