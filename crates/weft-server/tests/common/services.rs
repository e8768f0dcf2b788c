//! The real PostgreSQL and Redis of the cluster tests, found through the variables
//! `scripts/services start` sets. Without them a test skips with a printed reason, unless
//! `CI` or `WEFT_REQUIRE_SERVICES` is set: then it fails.

#![allow(dead_code, unreachable_pub)]

use std::time::Duration;

use weft::ReplicaId;
use weft_server::{Config, Server};

/// Where the services run.
#[derive(Clone, Debug)]
pub struct Services {
    /// `postgres://…`
    pub postgres: String,
    /// `redis://…`
    pub redis: String,
    /// The `redis-server` binary, for a test that runs a Redis of its own.
    pub redis_server: Option<String>,
}

/// The services, or `None` (after saying why) when they are not set up and not required.
pub fn services(test: &str) -> Option<Services> {
    let postgres = std::env::var("WEFT_TEST_POSTGRES").ok();
    let redis = std::env::var("WEFT_TEST_REDIS").ok();
    if let (Some(postgres), Some(redis)) = (postgres, redis) {
        let redis_server = std::env::var("WEFT_TEST_REDIS_SERVER").ok();
        return Some(Services {
            postgres,
            redis,
            redis_server,
        });
    }
    let required = ["CI", "WEFT_REQUIRE_SERVICES"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()));
    assert!(
        !required,
        "{test}: WEFT_TEST_POSTGRES and WEFT_TEST_REDIS are unset, but CI or \
         WEFT_REQUIRE_SERVICES requires the PostgreSQL and Redis tests: \
         run `eval \"$(scripts/services start)\"` first"
    );
    eprintln!(
        "SKIPPED {test}: WEFT_TEST_POSTGRES and WEFT_TEST_REDIS are unset \
         (`eval \"$(scripts/services start)\"` starts PostgreSQL and Redis)"
    );
    None
}

/// Document names no other test run uses (the database is shared).
pub fn unique(prefix: &str) -> String {
    let bytes = ReplicaId::random().to_bytes();
    let tag: String = bytes[..6]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("{prefix}-{tag}")
}

/// A server in this process on PostgreSQL and the Redis at `redis`.
pub async fn start_server(
    postgres: &str,
    redis: &str,
    configure: impl FnOnce(&mut Config),
) -> Server {
    let mut config = Config::new("127.0.0.1:0".parse().expect("an address"), "unused".into());
    config.database = Some(postgres.to_string());
    config.redis = Some(redis.to_string());
    config.limits.messages_per_second = 0;
    config.storage.catch_up_ms = 500;
    configure(&mut config);
    Server::start(config).await.expect("the server starts")
}

/// Waits until `check` holds, or panics with `what` after `limit`.
pub async fn eventually(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + limit;
    while !check() {
        assert!(tokio::time::Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
