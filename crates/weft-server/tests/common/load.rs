//! The load driver shared by the short load test (`tests/load.rs`, in CI) and the load
//! benchmark (`benches/load.rs`): many clients edit a few documents through the server for a
//! while, each waiting for the acknowledgement of its edit before the next (a closed loop),
//! then every client must converge to the server's state, and nothing may be missing.

#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;
use weft::{Digest, Object, Replica, ReplicaId, Value};
use weft_server::{ClientError, SyncClient};

type Client = SyncClient<Replica<Object>>;

/// What to run.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// Concurrent clients (one WebSocket each).
    pub clients: usize,
    /// Documents; client `i` edits document `i % documents`.
    pub documents: usize,
    /// How long the clients edit.
    pub duration: Duration,
    /// Pause after each acknowledged edit.
    pub pause: Duration,
    /// Servers the clients are spread over (client `c` on server `c % servers`, as
    /// `url_of` must route them): propagation between clients of different servers is
    /// also reported apart.
    pub servers: usize,
}

/// What a run measured.
#[derive(Clone, Debug, Default)]
pub struct LoadReport {
    /// Edits acknowledged during the run.
    pub edits: u64,
    /// How long the editing phase lasted.
    pub elapsed: Duration,
    /// From sending an edit to the acknowledgement that covers it (the edit is durable on
    /// the server), sorted.
    pub acknowledgement: Vec<Duration>,
    /// From an edit on one client to its arrival at another client of the same document
    /// (measured on a last-writer-wins stamp, so only for stamps not overwritten before they
    /// arrived), sorted.
    pub propagation: Vec<Duration>,
    /// The part of `propagation` from a client of one server to a client of another (the
    /// fan-out between servers), sorted.
    pub cross_server: Vec<Duration>,
    /// How long the clients took to converge after the editing stopped.
    pub convergence: Duration,
    /// The state every client of each document converged to: digest and like count.
    pub documents: HashMap<usize, (Digest, i64)>,
}

impl LoadReport {
    /// Acknowledged edits per second.
    pub fn throughput(&self) -> f64 {
        self.edits as f64 / self.elapsed.as_secs_f64()
    }
}

/// The `p`-th percentile (0–100) of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

struct ClientRun {
    document: usize,
    client: Client,
    edits: u64,
    acknowledgement: Vec<Duration>,
    propagation: Vec<Duration>,
    cross_server: Vec<Duration>,
}

/// Runs the load against the servers where client `c` syncs document `d` at `url_of(c, d)`
/// (the auditors are client 0); panics unless every client converges and every edit is in
/// the documents' final states.
pub async fn run(url_of: impl Fn(usize, usize) -> String, options: LoadOptions) -> LoadReport {
    let url_of = Arc::new(url_of);
    let start = Instant::now();
    let mut clients = Vec::new();
    for index in 0..options.clients {
        let document = index % options.documents;
        let url = url_of(index, document);
        let client = SyncClient::connect(&url, Replica::new(ReplicaId::random()))
            .await
            .expect("a load client connects");
        clients.push((index, document, client));
    }
    let deadline = Instant::now() + options.duration;
    let editing = Instant::now();
    let mut tasks = Vec::new();
    for (index, document, client) in clients {
        let options = options.clone();
        tasks.push(tokio::spawn(async move {
            edit_until(index, document, client, start, deadline, &options)
                .await
                .expect("a load client edits")
        }));
    }
    let mut runs = Vec::new();
    for task in tasks {
        runs.push(task.await.expect("a load client task"));
    }
    let elapsed = editing.elapsed();

    // Every edit is acknowledged (durable). An auditor of each document waits until its
    // server holds every edit made to it (with several servers, the auditor's may still be
    // receiving the others' last ones); then every client must reach that state.
    let converging = Instant::now();
    let mut made: HashMap<usize, u64> = HashMap::new();
    for run in &runs {
        *made.entry(run.document).or_default() += run.edits;
    }
    let mut expected = HashMap::new();
    for document in 0..options.documents {
        let mut auditor = SyncClient::connect(
            &url_of(0, document),
            Replica::<Object>::new(ReplicaId::random()),
        )
        .await
        .expect("an auditor connects");
        auditor.settle().await.expect("the auditor settles");
        let all = made.get(&document).copied().unwrap_or(0);
        let give_up = Instant::now() + Duration::from_secs(60);
        while (likes(auditor.replica()) as u64) < all {
            assert!(
                Instant::now() < give_up,
                "document {document}: edits missing"
            );
            auditor
                .receive_for(Duration::from_millis(50))
                .await
                .expect("the auditor receives");
        }
        let state = (auditor.replica().digest(), likes(auditor.replica()));
        expected.insert(document, state);
    }
    let expected = Arc::new(expected);
    let mut tasks = Vec::new();
    for mut run in runs {
        let expected = Arc::clone(&expected);
        tasks.push(tokio::spawn(async move {
            let (digest, _) = expected[&run.document];
            let give_up = Instant::now() + Duration::from_secs(60);
            while run.client.replica().digest() != digest {
                assert!(Instant::now() < give_up, "a load client did not converge");
                run.client
                    .receive_for(Duration::from_millis(50))
                    .await
                    .expect("a load client receives");
            }
            run
        }));
    }
    let mut report = LoadReport {
        elapsed,
        ..LoadReport::default()
    };
    let mut edits_per_document: HashMap<usize, u64> = HashMap::new();
    for task in tasks {
        let mut run = task.await.expect("a converging task");
        report.edits += run.edits;
        *edits_per_document.entry(run.document).or_default() += run.edits;
        report.acknowledgement.append(&mut run.acknowledgement);
        report.propagation.append(&mut run.propagation);
        report.cross_server.append(&mut run.cross_server);
        let _ = run.client.close().await;
    }
    report.convergence = converging.elapsed();
    for (document, (_, likes)) in expected.iter() {
        let edits = edits_per_document.get(document).copied().unwrap_or(0);
        assert_eq!(*likes as u64, edits, "document {document}: edits lost");
    }
    report.acknowledgement.sort();
    report.propagation.sort();
    report.cross_server.sort();
    report.documents = (*expected).clone();
    report
}

/// Checks that the server (perhaps restarted) holds exactly the states of `report`.
pub async fn verify(url_of: impl Fn(usize) -> String, report: &LoadReport) {
    for (document, (digest, likes_expected)) in &report.documents {
        let mut auditor = SyncClient::connect(
            &url_of(*document),
            Replica::<Object>::new(ReplicaId::random()),
        )
        .await
        .expect("an auditor connects");
        auditor.settle().await.expect("the auditor settles");
        assert_eq!(
            likes(auditor.replica()),
            *likes_expected,
            "document {document}"
        );
        assert_eq!(auditor.replica().digest(), *digest, "document {document}");
    }
}

fn likes(replica: &Replica<Object>) -> i64 {
    replica
        .store()
        .get_counter("likes")
        .map_or(0, |likes| likes.value())
}

/// A stamp: microseconds since `start` and the writer's index, in one integer.
fn stamp(start: Instant, index: usize) -> i64 {
    let micros = i64::try_from(start.elapsed().as_micros()).unwrap_or(i64::MAX / 1000);
    micros * 1000 + (index % 1000) as i64
}

async fn edit_until(
    index: usize,
    document: usize,
    mut client: Client,
    start: Instant,
    deadline: Instant,
    options: &LoadOptions,
) -> Result<ClientRun, ClientError> {
    let (pause, servers) = (options.pause, options.servers);
    client.settle().await?;
    let me = client.replica().id();
    let mut run = ClientRun {
        document,
        client,
        edits: 0,
        acknowledgement: Vec::new(),
        propagation: Vec::new(),
        cross_server: Vec::new(),
    };
    let mut last_stamp = 0;
    while Instant::now() < deadline {
        let sent = Instant::now();
        let edit = run.edits;
        run.client
            .edit(|root| {
                Object::edit(root, |root| {
                    root.counter("likes").increment(1);
                    root.put("stamp", stamp(start, index));
                    if edit.is_multiple_of(8) {
                        let mut note = root.text("note");
                        let end = note.len();
                        note.insert(end, &format!("{index}."))
                            .expect("an insertion at the end");
                    }
                    if edit.is_multiple_of(16) {
                        root.add_wins_set("tags")
                            .insert(Value::from(format!("t{}", edit % 64)));
                    }
                });
            })
            .await?;
        run.edits += 1;
        let counter = run.client.replica().version().get(me);
        while run
            .client
            .state()
            .peer_version()
            .is_none_or(|version| version.get(me) < counter)
        {
            run.client.receive().await?;
            observe(&mut run, index, servers, start, &mut last_stamp);
        }
        run.acknowledgement.push(sent.elapsed());
        if !pause.is_zero() {
            let until = Instant::now() + pause;
            while let Ok(result) = tokio::time::timeout_at(until, run.client.receive()).await {
                result?;
                observe(&mut run, index, servers, start, &mut last_stamp);
            }
        }
    }
    run.client.settle().await?;
    Ok(run)
}

/// Records the propagation delay of a stamp written by another client, once (also as
/// cross-server when the writer is a client of another server).
fn observe(
    run: &mut ClientRun,
    index: usize,
    servers: usize,
    start: Instant,
    last_stamp: &mut i64,
) {
    let Some(Value::Int(stamp)) = run.client.replica().store().get_value("stamp") else {
        return;
    };
    let (micros, writer) = (stamp / 1000, stamp % 1000);
    if *stamp == *last_stamp || writer == (index % 1000) as i64 {
        return;
    }
    *last_stamp = *stamp;
    let written = start + Duration::from_micros(u64::try_from(micros).unwrap_or(0));
    let delay = Instant::now().saturating_duration_since(written);
    run.propagation.push(delay);
    let servers = servers.max(1) as i64;
    if writer % servers != (index as i64 % 1000) % servers {
        run.cross_server.push(delay);
    }
}
