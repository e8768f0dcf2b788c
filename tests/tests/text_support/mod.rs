//! Loading the editing traces shared by the text tests (see `shared/traces/README.md`).

use std::io::Read;
use std::path::PathBuf;

use serde_json::Value;

/// One patch: position (in scalars), scalars deleted, text inserted.
pub(crate) type Patch = (usize, usize, String);

/// A transaction of a concurrent trace.
pub(crate) struct Transaction {
    pub(crate) parents: Vec<usize>,
    pub(crate) agent: usize,
    pub(crate) patches: Vec<Patch>,
}

/// A trace: its transactions and the text it ends with.
pub(crate) struct Trace {
    pub(crate) agents: usize,
    pub(crate) transactions: Vec<Transaction>,
    pub(crate) end_content: String,
}

/// The folder of the traces: `$WEFT_TRACES`, or `../shared/traces` beside the workspace.
/// `None` (after saying so) when it is absent.
pub(crate) fn traces_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("WEFT_TRACES").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/traces"),
        PathBuf::from,
    );
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "editing traces not found at {} (set WEFT_TRACES to the folder of the public \
             josephg/editing-traces data): skipping",
            dir.display()
        );
        None
    }
}

/// Reads a gzipped JSON trace.
pub(crate) fn load(path: &std::path::Path) -> Trace {
    let file = std::fs::File::open(path).expect("trace file opens");
    let mut json = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut json)
        .expect("trace decompresses");
    let value: Value = serde_json::from_str(&json).expect("trace is JSON");
    let transactions = value["txns"]
        .as_array()
        .expect("txns")
        .iter()
        .map(|txn| Transaction {
            parents: txn["parents"]
                .as_array()
                .map(|parents| {
                    parents
                        .iter()
                        .map(|p| p.as_u64().unwrap() as usize)
                        .collect()
                })
                .unwrap_or_default(),
            agent: txn["agent"].as_u64().unwrap_or(0) as usize,
            patches: txn["patches"]
                .as_array()
                .expect("patches")
                .iter()
                .map(|patch| {
                    (
                        patch[0].as_u64().unwrap() as usize,
                        patch[1].as_u64().unwrap() as usize,
                        patch[2].as_str().unwrap().to_string(),
                    )
                })
                .collect(),
        })
        .collect();
    Trace {
        agents: value["numAgents"].as_u64().unwrap_or(1) as usize,
        transactions,
        end_content: value["endContent"]
            .as_str()
            .expect("endContent")
            .to_string(),
    }
}

/// The gzipped JSON files of `folder` under the traces folder.
pub(crate) fn trace_files(dir: &std::path::Path, folder: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(folder))
        .expect("trace folder")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.to_string_lossy().ends_with(".json.gz"))
        .collect();
    files.sort();
    files
}
