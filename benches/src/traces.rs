//! Editing traces (the JSON format of `shared/traces`) and the replay of a concurrent trace
//! with one replica per agent, shared by the text benchmarks.

use std::io::Read;
use std::path::Path;

use diamond_types::list::ListCRDT;
use weft::{Delta, Replica, ReplicaId, Text, TextEditor};

/// One patch: position, characters deleted there, text inserted there.
pub type Patch = (usize, usize, String);

/// One transaction of a trace.
pub struct Txn {
    /// Indices of the transactions it was made after (empty: the start).
    pub parents: Vec<usize>,
    /// The agent that made it.
    pub agent: usize,
    /// Its patches, in order.
    pub patches: Vec<Patch>,
}

/// An editing trace.
pub struct Trace {
    /// The file name without `.json.gz`.
    pub name: String,
    /// How many agents edit.
    pub agents: usize,
    /// The transactions, parents before children.
    pub txns: Vec<Txn>,
    /// The final text.
    pub end: String,
}

/// Reads a gzipped JSON trace.
///
/// # Panics
/// If the file is missing or not a trace.
#[must_use]
pub fn load_trace(path: &Path) -> Trace {
    let mut json = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).expect("trace opens"))
        .read_to_string(&mut json)
        .expect("trace decompresses");
    let value: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let number = |v: &serde_json::Value| v.as_u64().unwrap_or(0) as usize;
    Trace {
        name: path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .trim_end_matches(".json.gz")
            .to_string(),
        agents: value["numAgents"].as_u64().unwrap_or(1) as usize,
        txns: value["txns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|txn| Txn {
                parents: txn["parents"]
                    .as_array()
                    .map(|p| p.iter().map(number).collect())
                    .unwrap_or_default(),
                agent: number(&txn["agent"]),
                patches: txn["patches"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| {
                        (
                            number(&p[0]),
                            number(&p[1]),
                            p[2].as_str().unwrap().to_string(),
                        )
                    })
                    .collect(),
            })
            .collect(),
        end: value["endContent"].as_str().unwrap().to_string(),
    }
}

/// Every patch of the trace in order.
pub fn patches(trace: &Trace) -> impl Iterator<Item = &Patch> + '_ {
    trace.txns.iter().flat_map(|txn| txn.patches.iter())
}

/// A replica of one agent in a concurrent replay.
pub trait Site: Sized {
    /// What a transaction sends to the other replicas.
    type Update;
    /// An empty replica of `agent`.
    fn new(agent: usize) -> Self;
    /// A replica of `agent` holding exactly what `from` holds (the traces' `fork()`).
    fn fork(agent: usize, from: &Self) -> Self;
    /// Applies the patches of one transaction and returns its update.
    fn transact(&mut self, patches: &[Patch]) -> Self::Update;
    /// Applies another replica's update.
    fn receive(&mut self, update: &Self::Update);
    /// The text.
    fn text(&self) -> String;
}

/// Catching up by more transactions than this forks a parent's replica instead.
const FORK_ABOVE: usize = 32;

/// The replica holding the most transactions among those holding only transactions of
/// `want` (so it can be forked and completed), if it holds more than `agent`'s own replica.
fn fork_source(have: &[Vec<usize>], want: &[usize], agent: usize, agents: usize) -> Option<usize> {
    let total = |replica: usize| have[replica].iter().sum::<usize>();
    let own = total(agent);
    (0..agents)
        .filter(|replica| *replica != agent)
        .filter(|replica| (0..agents).all(|slot| have[*replica][slot] <= want[slot]))
        .map(|replica| (total(replica), replica))
        .filter(|(held, _)| *held > own + FORK_ABOVE)
        .max()
        .map(|(_, replica)| replica)
}

/// Replays a concurrent trace: each transaction runs on its agent's replica once that
/// replica has received exactly the transactions its parents include: by receiving the
/// updates of the transactions it lacks, or (when it lacks many) by forking the replica that
/// holds the most of them and nothing else, then receiving the rest.
pub fn replay<S: Site>(trace: &Trace) -> Vec<S> {
    let mut sites: Vec<S> = (0..trace.agents).map(S::new).collect();
    let mut have: Vec<Vec<usize>> = vec![vec![0; trace.agents]; trace.agents];
    let mut after: Vec<Vec<usize>> = Vec::with_capacity(trace.txns.len());
    let mut by_agent: Vec<Vec<usize>> = vec![Vec::new(); trace.agents];
    let mut updates: Vec<S::Update> = Vec::with_capacity(trace.txns.len());
    for (index, txn) in trace.txns.iter().enumerate() {
        let agent = txn.agent;
        let mut want = vec![0usize; trace.agents];
        for parent in &txn.parents {
            for (slot, count) in after[*parent].iter().enumerate() {
                want[slot] = want[slot].max(*count);
            }
        }
        let lacking: usize = (0..trace.agents)
            .map(|other| want[other].saturating_sub(have[agent][other]))
            .sum();
        if lacking > FORK_ABOVE
            && let Some(source) = fork_source(&have, &want, agent, trace.agents)
        {
            sites[agent] = S::fork(agent, &sites[source]);
            have[agent] = have[source].clone();
        }
        let mut missing = Vec::new();
        for other in 0..trace.agents {
            if want[other] > have[agent][other] {
                missing.extend_from_slice(&by_agent[other][have[agent][other]..want[other]]);
                have[agent][other] = want[other];
            }
        }
        missing.sort_unstable();
        for txn in missing {
            sites[agent].receive(&updates[txn]);
        }
        updates.push(sites[agent].transact(&txn.patches));
        by_agent[agent].push(index);
        have[agent][agent] += 1;
        after.push(have[agent].clone());
    }
    sites
}

/// A Weft replica in a concurrent replay: transactions are `Replica::update`s whose deltas
/// the other replicas `apply`; a fork is `Replica::fork` (the same state as `Replica::merge`
/// into a new replica, without encoding it as a delta).
pub struct WeftSite(pub Replica<Text>);

impl Site for WeftSite {
    type Update = Delta<Text>;
    fn new(agent: usize) -> Self {
        Self(Replica::new(ReplicaId::from_u128(agent as u128 + 1)))
    }
    fn fork(agent: usize, from: &Self) -> Self {
        Self(Replica::fork(
            &from.0,
            ReplicaId::from_u128(agent as u128 + 1),
        ))
    }
    fn transact(&mut self, patches: &[Patch]) -> Delta<Text> {
        self.0.update(|text| {
            for (position, deleted, inserted) in patches {
                if *deleted > 0 {
                    text.delete(*position..*position + *deleted).unwrap();
                }
                if !inserted.is_empty() {
                    text.insert(*position, inserted).unwrap();
                }
            }
        })
    }
    fn receive(&mut self, update: &Delta<Text>) {
        self.0.apply(update);
    }
    fn text(&self) -> String {
        self.0.to_string()
    }
}

/// Replays every patch of `trace` on one new replica with `Replica::edit` (the fast path: no
/// delta built).
///
/// # Panics
/// If a patch is out of range.
#[must_use]
pub fn weft_apply(trace: &Trace) -> Replica<Text> {
    let mut replica = Replica::<Text>::new(ReplicaId::from_u128(1));
    for (position, deleted, inserted) in patches(trace) {
        replica.edit(|text| {
            if *deleted > 0 {
                text.delete(*position..*position + *deleted).unwrap();
            }
            if !inserted.is_empty() {
                text.insert(*position, inserted).unwrap();
            }
        });
    }
    replica
}

/// Replays every patch of `trace` with `Replica::update`, a delta per patch.
///
/// # Panics
/// If a patch is out of range.
#[must_use]
pub fn weft_apply_with_deltas(trace: &Trace) -> Replica<Text> {
    let mut replica = Replica::<Text>::new(ReplicaId::from_u128(1));
    for (position, deleted, inserted) in patches(trace) {
        std::hint::black_box(replica.update(|text| {
            if *deleted > 0 {
                text.delete(*position..*position + *deleted).unwrap();
            }
            if !inserted.is_empty() {
                text.insert(*position, inserted).unwrap();
            }
        }));
    }
    replica
}

/// diamond-types' local apply of every patch of `trace` (one agent), the peer figure beside
/// [`weft_apply`]. Never inlined, so a profiler can toggle on it.
#[inline(never)]
pub fn diamond_apply(trace: &Trace) -> ListCRDT {
    let mut doc = ListCRDT::new();
    let agent = doc.get_or_create_agent_id("seph");
    for (position, deleted, inserted) in patches(trace) {
        if *deleted > 0 {
            doc.delete_without_content(agent, *position..*position + *deleted);
        }
        if !inserted.is_empty() {
            doc.insert(agent, *position, inserted);
        }
    }
    doc
}

/// The concurrent replay of `trace` with Weft replicas ([`replay`] of [`WeftSite`]). Never
/// inlined, so a profiler can toggle on it.
#[inline(never)]
#[must_use]
pub fn weft_merge(trace: &Trace) -> Vec<WeftSite> {
    replay::<WeftSite>(trace)
}

/// diamond-types: the event graph built with each transaction at its parents, then merged
/// (checked out at the tip); returns the text. Never inlined, so a profiler can toggle on it.
#[inline(never)]
#[must_use]
pub fn diamond_merge(trace: &Trace) -> String {
    let mut oplog = diamond_types::list::OpLog::new();
    let agents: Vec<_> = (0..trace.agents)
        .map(|agent| oplog.get_or_create_agent_id(&format!("agent{agent}")))
        .collect();
    let mut last: Vec<usize> = Vec::with_capacity(trace.txns.len());
    for txn in &trace.txns {
        let mut parents: Vec<usize> = txn.parents.iter().map(|p| last[*p]).collect();
        let mut time = usize::MAX;
        for (position, deleted, inserted) in &txn.patches {
            if *deleted > 0 {
                time = oplog.add_delete_at(
                    agents[txn.agent],
                    &parents,
                    *position..*position + *deleted,
                );
                parents = vec![time];
            }
            if !inserted.is_empty() {
                time = oplog.add_insert_at(agents[txn.agent], &parents, *position, inserted);
                parents = vec![time];
            }
        }
        last.push(if time == usize::MAX {
            parents.first().copied().unwrap_or(usize::MAX)
        } else {
            time
        });
    }
    oplog.checkout_tip().content().to_string()
}
