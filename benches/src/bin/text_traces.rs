//! Text editing traces, Weft side by side with diamond-types, Loro, Yrs and Automerge: local
//! apply time, encoded size with full history, load of that encoding, heap retained, and the
//! merge time of the concurrent traces. Prints ratios to the best peer.
//!
//! Run with `cargo run --release -p weft-benches --bin text_traces` (traces from
//! `$WEFT_TRACES`, default `../shared/traces`). `TEXT_TRACES_QUICK=1` runs one trace;
//! `TEXT_TRACES_ONLY=a,b` only these sequential traces; `TEXT_TRACES_MERGE=S3` only that merge.
//! Each sequential trace runs twice: the `ascii_only` variant against every peer, then the
//! variant with its non-ASCII characters (positions in Unicode scalars) against
//! diamond-types, with the ratio of the two variants' apply times.

#![allow(clippy::print_stdout)]

use std::time::Duration;

use automerge::{AutoCommit, ObjType, TextEncoding, transaction::Transactable};
use diamond_types::list::ListCRDT;
use diamond_types::list::encoding::ENCODE_FULL;
use loro::{ExportMode, LoroDoc};
use weft::{Replica, Text};
use weft_benches::traces::{
    Patch, Site, Trace, diamond_apply, diamond_merge, load_trace, patches, replay, weft_apply,
    weft_apply_with_deltas, weft_merge,
};
use weft_benches::{CountingAllocator, median_time, millis, print_table, ratio, traces_dir};
use yrs::updates::decoder::Decode;
use yrs::{GetString, ReadTxn, StateVector, Text as _, Transact, Update};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator::new();

/// One row of results for one library on one trace.
#[derive(Default, Clone)]
struct Row {
    apply: Option<Duration>,
    size: Option<usize>,
    load: Option<Duration>,
    heap: Option<usize>,
}

/// Heap retained by what `build` returns.
fn retained<T>(build: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCATOR.live_bytes();
    let value = build();
    (value, ALLOCATOR.live_bytes().saturating_sub(before))
}

fn weft(trace: &Trace, runs: usize) -> (Row, Row) {
    let apply = median_time(runs, || weft_apply(trace));
    let (replica, heap) = retained(|| weft_apply(trace));
    assert_eq!(replica.to_string(), trace.end, "weft: wrong text");
    let bytes = replica.save();
    let load = median_time(runs, || Replica::<Text>::load(&bytes).unwrap());
    assert_eq!(
        Replica::<Text>::load(&bytes).unwrap().to_string(),
        trace.end
    );
    let with_deltas = median_time(runs, || weft_apply_with_deltas(trace));
    (
        Row {
            apply: Some(apply),
            size: Some(bytes.len()),
            load: Some(load),
            heap: Some(heap),
        },
        Row {
            apply: Some(with_deltas),
            ..Row::default()
        },
    )
}

fn diamond(trace: &Trace, runs: usize) -> Row {
    let apply = median_time(runs, || diamond_apply(trace));
    let (doc, heap) = retained(|| diamond_apply(trace));
    let bytes = doc.oplog.encode(ENCODE_FULL);
    let load = median_time(runs, || ListCRDT::load_from(&bytes).unwrap());
    assert_eq!(
        ListCRDT::load_from(&bytes)
            .unwrap()
            .branch
            .content()
            .to_string(),
        trace.end
    );
    Row {
        apply: Some(apply),
        size: Some(bytes.len()),
        load: Some(load),
        heap: Some(heap),
    }
}

fn loro_apply(trace: &Trace) -> LoroDoc {
    let doc = LoroDoc::new();
    let text = doc.get_text("text");
    for (position, deleted, inserted) in patches(trace) {
        if *deleted > 0 {
            text.delete(*position, *deleted).unwrap();
        }
        if !inserted.is_empty() {
            text.insert(*position, inserted).unwrap();
        }
    }
    doc.commit();
    doc
}

fn loro(trace: &Trace, runs: usize) -> Row {
    let apply = median_time(runs, || loro_apply(trace));
    let (doc, heap) = retained(|| loro_apply(trace));
    let bytes = doc.export(ExportMode::Snapshot).unwrap();
    let load = median_time(runs, || {
        let doc = LoroDoc::new();
        doc.import(&bytes).unwrap();
        doc
    });
    Row {
        apply: Some(apply),
        size: Some(bytes.len()),
        load: Some(load),
        heap: Some(heap),
    }
}

/// A Yrs document counting positions in UTF-16 units (the traces count scalars, which is
/// the same for every character they hold below U+10000).
fn yrs_doc(client: u64) -> yrs::Doc {
    let mut options = yrs::Options::with_client_id(yrs::block::ClientID::new(client));
    options.offset_kind = yrs::OffsetKind::Utf16;
    yrs::Doc::with_options(options)
}

fn yrs_apply(trace: &Trace) -> yrs::Doc {
    let doc = yrs_doc(1);
    let text = doc.get_or_insert_text("text");
    for (position, deleted, inserted) in patches(trace) {
        let mut txn = doc.transact_mut();
        if *deleted > 0 {
            text.remove_range(&mut txn, *position as u32, *deleted as u32);
        }
        if !inserted.is_empty() {
            text.insert(&mut txn, *position as u32, inserted);
        }
    }
    doc
}

fn yrs(trace: &Trace, runs: usize) -> Row {
    let apply = median_time(runs, || yrs_apply(trace));
    let (doc, heap) = retained(|| yrs_apply(trace));
    let bytes = doc
        .transact()
        .encode_state_as_update_v2(&StateVector::default());
    let load = median_time(runs, || {
        let doc = yrs_doc(2);
        doc.transact_mut()
            .apply_update(Update::decode_v2(&bytes).unwrap())
            .unwrap();
        doc
    });
    Row {
        apply: Some(apply),
        size: Some(bytes.len()),
        load: Some(load),
        heap: Some(heap),
    }
}

fn automerge_apply(trace: &Trace) -> AutoCommit {
    let mut doc = AutoCommit::new_with_encoding(TextEncoding::UnicodeCodePoint);
    let text = doc
        .put_object(automerge::ROOT, "text", ObjType::Text)
        .unwrap();
    for (position, deleted, inserted) in patches(trace) {
        doc.splice_text(&text, *position, *deleted as isize, inserted)
            .unwrap();
    }
    doc.commit();
    doc
}

fn automerge(trace: &Trace, runs: usize) -> Row {
    let apply = median_time(runs, || automerge_apply(trace));
    let (mut doc, heap) = retained(|| automerge_apply(trace));
    let bytes = doc.save();
    let load = median_time(runs, || AutoCommit::load(&bytes).unwrap());
    Row {
        apply: Some(apply),
        size: Some(bytes.len()),
        load: Some(load),
        heap: Some(heap),
    }
}

struct YrsSite(yrs::Doc, yrs::TextRef);

impl Site for YrsSite {
    type Update = Vec<u8>;
    fn new(agent: usize) -> Self {
        let doc = yrs_doc(agent as u64 + 1);
        let text = doc.get_or_insert_text("text");
        Self(doc, text)
    }
    fn fork(agent: usize, from: &Self) -> Self {
        let site = Self::new(agent);
        let state = from
            .0
            .transact()
            .encode_state_as_update_v1(&StateVector::default());
        site.0
            .transact_mut()
            .apply_update(Update::decode_v1(&state).unwrap())
            .unwrap();
        site
    }
    fn transact(&mut self, patches: &[Patch]) -> Vec<u8> {
        // One Yrs transaction per patch (one transaction for S3's 84,635 patches gives a wrong
        // text), the update of the whole trace transaction taken from the state before it.
        let before = self.0.transact().state_vector();
        for (position, deleted, inserted) in patches {
            let mut txn = self.0.transact_mut();
            if *deleted > 0 {
                self.1
                    .remove_range(&mut txn, *position as u32, *deleted as u32);
            }
            if !inserted.is_empty() {
                self.1.insert(&mut txn, *position as u32, inserted);
            }
        }
        self.0.transact().encode_state_as_update_v1(&before)
    }
    fn receive(&mut self, update: &Vec<u8>) {
        self.0
            .transact_mut()
            .apply_update(Update::decode_v1(update).unwrap())
            .unwrap();
    }
    fn text(&self) -> String {
        self.1.get_string(&self.0.transact())
    }
}

struct LoroSite(LoroDoc);

impl Site for LoroSite {
    type Update = Vec<u8>;
    fn new(agent: usize) -> Self {
        let doc = LoroDoc::new();
        doc.set_peer_id(agent as u64 + 1).unwrap();
        Self(doc)
    }
    fn fork(agent: usize, from: &Self) -> Self {
        let site = Self::new(agent);
        site.0
            .import(&from.0.export(ExportMode::Snapshot).unwrap())
            .unwrap();
        site
    }
    fn transact(&mut self, patches: &[Patch]) -> Vec<u8> {
        let before = self.0.oplog_vv();
        let text = self.0.get_text("text");
        for (position, deleted, inserted) in patches {
            if *deleted > 0 {
                text.delete(*position, *deleted).unwrap();
            }
            if !inserted.is_empty() {
                text.insert(*position, inserted).unwrap();
            }
        }
        self.0.commit();
        self.0.export(ExportMode::updates(&before)).unwrap()
    }
    fn receive(&mut self, update: &Vec<u8>) {
        self.0.import(update).unwrap();
    }
    fn text(&self) -> String {
        self.0.get_text("text").to_string()
    }
}

fn merges(trace: &Trace) -> Vec<(&'static str, Option<Duration>)> {
    let runs = 3;
    let weft = median_time(runs, || {
        let sites = weft_merge(trace);
        let last = trace.txns.last().unwrap().agent;
        assert_eq!(sites[last].text(), trace.end, "weft merge: wrong text");
    });
    let diamond = median_time(runs, || assert_eq!(diamond_merge(trace), trace.end));
    // A peer whose replay ends on another text is reported, not timed.
    let last = trace.txns.last().unwrap().agent;
    let yrs_right = replay::<YrsSite>(trace)[last].text() == trace.end;
    let yrs = yrs_right.then(|| median_time(1, || replay::<YrsSite>(trace)));
    let loro_right = replay::<LoroSite>(trace)[last].text() == trace.end;
    let loro = loro_right.then(|| median_time(1, || replay::<LoroSite>(trace)));
    vec![
        ("weft", Some(weft)),
        ("diamond-types", Some(diamond)),
        ("yrs", yrs),
        ("loro", loro),
    ]
}

fn fmt_ms(value: Option<Duration>) -> String {
    value.map_or("–".into(), |d| format!("{:.2} ms", millis(d)))
}

fn fmt_bytes(value: Option<usize>) -> String {
    value.map_or("–".into(), |b| format!("{b} B"))
}

/// Prints the table of one sequential trace: the first two rows are Weft's, the others the
/// peers' (ratios to the best peer).
fn sequential_table(rows: Vec<(&str, Row)>) {
    let peers = &rows[2..];
    let best_apply = peers.iter().filter_map(|(_, r)| r.apply).min().unwrap();
    let best_size = peers.iter().filter_map(|(_, r)| r.size).min().unwrap();
    let best_load = peers.iter().filter_map(|(_, r)| r.load).min().unwrap();
    let best_heap = peers.iter().filter_map(|(_, r)| r.heap).min().unwrap();
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|(library, row)| {
            vec![
                (*library).to_string(),
                fmt_ms(row.apply),
                row.apply
                    .map_or("–".into(), |d| ratio(millis(d), millis(best_apply))),
                fmt_bytes(row.size),
                row.size
                    .map_or("–".into(), |s| ratio(s as f64, best_size as f64)),
                fmt_ms(row.load),
                row.load
                    .map_or("–".into(), |d| ratio(millis(d), millis(best_load))),
                fmt_bytes(row.heap),
                row.heap
                    .map_or("–".into(), |h| ratio(h as f64, best_heap as f64)),
            ]
        })
        .collect();
    print_table(
        &[
            "library",
            "apply",
            "× best peer",
            "encoded (full history)",
            "×",
            "load",
            "×",
            "heap retained",
            "×",
        ],
        &table,
    );
}

fn main() {
    let Some(dir) = traces_dir() else { return };
    let quick = std::env::var_os("TEXT_TRACES_QUICK").is_some();
    // `TEXT_TRACES_MERGE=S3` runs only the merge of that concurrent trace.
    let only_merge = std::env::var("TEXT_TRACES_MERGE").ok();
    let mut names = vec![
        "automerge-paper",
        "seph-blog1",
        "sveltecomponent",
        "friendsforever_flat",
        "clownschool_flat",
        "json-crdt-patch",
    ];
    if quick {
        names.truncate(1);
    }
    // `TEXT_TRACES_ONLY=seph-blog1,json-crdt-patch` runs only these sequential traces.
    if let Ok(only) = std::env::var("TEXT_TRACES_ONLY") {
        names.retain(|name| only.split(',').any(|wanted| wanted == *name));
    }
    if only_merge.is_some() {
        names.clear();
    }
    for name in names {
        let ascii = load_trace(&dir.join(format!("sequential_traces/ascii_only/{name}.json.gz")));
        let edits = patches(&ascii).count();
        println!(
            "\n### {} ({edits} edits, final text {} chars)\n",
            ascii.name,
            ascii.end.chars().count()
        );
        let (weft_row, weft_deltas) = weft(&ascii, 5);
        let ascii_weft = weft_row.clone();
        let ascii_diamond = diamond(&ascii, 5);
        sequential_table(vec![
            ("weft (edit)", weft_row),
            ("weft (update: delta per edit)", weft_deltas),
            ("diamond-types", ascii_diamond.clone()),
            ("loro (one commit)", loro(&ascii, 3)),
            ("yrs (txn per edit)", yrs(&ascii, 1)),
            ("automerge", automerge(&ascii, 1)),
        ]);
        if let Ok(text) = Replica::<Text>::load(&weft_apply(&ascii).save()) {
            let (spans, runs, waiting) = text.shape();
            println!(
                "\nweft shape: {spans} spans in the order tree, {runs} history runs, {waiting} waiting"
            );
        }
        // The same trace with its non-ASCII characters (positions in Unicode scalars),
        // against diamond-types on the same variant.
        let unicode = load_trace(&dir.join(format!("sequential_traces/{name}.json.gz")));
        let non_ascii = unicode.end.chars().filter(|c| !c.is_ascii()).count();
        println!(
            "\n#### {name}, Unicode variant ({non_ascii} non-ASCII chars in the final text)\n"
        );
        let (weft_row, weft_deltas) = weft(&unicode, 5);
        let unicode_weft = weft_row.clone();
        let unicode_diamond = diamond(&unicode, 5);
        sequential_table(vec![
            ("weft (edit)", weft_row),
            ("weft (update: delta per edit)", weft_deltas),
            ("diamond-types", unicode_diamond.clone()),
        ]);
        let penalty = |unicode: &Row, ascii: &Row| match (unicode.apply, ascii.apply) {
            (Some(u), Some(a)) => ratio(millis(u), millis(a)),
            _ => "–".into(),
        };
        println!(
            "\nUnicode ÷ ASCII apply: weft {}, diamond-types {}",
            penalty(&unicode_weft, &ascii_weft),
            penalty(&unicode_diamond, &ascii_diamond)
        );
    }
    let mut concurrent = vec![dir.join("concurrent_traces/friendsforever.json.gz")];
    if !quick {
        // The concurrent traces of the egwalker paper: A1 and S3 come with `shared/traces`;
        // the others are taken when present (see BENCHMARKS.md).
        for name in ["A1", "S1", "S2", "S3", "C1", "C2", "A2"] {
            concurrent.push(dir.join(format!("egwalker-paper/{name}.json.gz")));
        }
    }
    concurrent.retain(|path| path.exists());
    for path in concurrent {
        if let Some(only) = &only_merge
            && !path.to_string_lossy().contains(only.as_str())
        {
            continue;
        }
        let trace = load_trace(&path);
        println!(
            "\n### merge: {} ({} agents, {} transactions, final text {} chars)\n",
            trace.name,
            trace.agents,
            trace.txns.len(),
            trace.end.chars().count()
        );
        let results = merges(&trace);
        let best = results[1..].iter().filter_map(|(_, d)| *d).min().unwrap();
        let table: Vec<Vec<String>> = results
            .iter()
            .map(|(library, time)| {
                vec![
                    (*library).to_string(),
                    fmt_ms(*time),
                    time.map_or("wrong text: not timed".into(), |d| {
                        ratio(millis(d), millis(best))
                    }),
                ]
            })
            .collect();
        print_table(&["library", "replay with merges", "× best peer"], &table);
    }
}
