//! The subscriber task: one Redis pub/sub connection carrying the channels of the documents
//! this server holds; reconnects when Redis goes away and tells every document to catch up
//! once it is back.

use std::time::Duration;

use futures_util::StreamExt as _;
use redis::aio::{PubSubSink, PubSubStream};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use weft::sync::presence;

use crate::bus::message::Published;
use crate::bus::{Bus, Command, Remote, channel, message};
use crate::document_id::DocumentId;

/// How long connecting or subscribing may take.
const REDIS_TIMEOUT: Duration = Duration::from_secs(1);
/// Pause between attempts to reach Redis.
const RECONNECT_AFTER: Duration = Duration::from_millis(250);

pub(super) async fn run(
    client: redis::Client,
    bus: Bus,
    mut commands: mpsc::UnboundedReceiver<Command>,
    shutdown: CancellationToken,
) {
    let mut connection: Option<(PubSubSink, PubSubStream)> = None;
    let mut retry = tokio::time::Instant::now();
    loop {
        if connection.is_none() && tokio::time::Instant::now() >= retry {
            connection = connect(&client, &bus).await;
            retry = tokio::time::Instant::now() + RECONNECT_AFTER;
        }
        let connected = connection.is_some();
        tokio::select! {
            () = shutdown.cancelled() => return,
            command = commands.recv() => {
                let Some(command) = command else { return };
                if let Some((sink, _)) = connection.as_mut()
                    && !obey(sink, &bus, command).await
                {
                    tracing::warn!("lost Redis (subscribing): the documents catch up from the database");
                    connection = None;
                }
            }
            message = async {
                match connection.as_mut() {
                    Some((_, stream)) => stream.next().await,
                    None => std::future::pending().await,
                }
            }, if connected => match message {
                Some(message) => receive(&bus, message.get_channel_name(), message.get_payload_bytes()),
                None => {
                    tracing::warn!("lost Redis: serving local clients; catching up from the database");
                    connection = None;
                }
            },
            () = tokio::time::sleep_until(retry), if !connected => {}
        }
    }
}

/// Opens the subscription connection and subscribes every document held; on success tells
/// them all to catch up (they may have missed messages while it was down).
async fn connect(client: &redis::Client, bus: &Bus) -> Option<(PubSubSink, PubSubStream)> {
    let opened = tokio::time::timeout(REDIS_TIMEOUT, client.get_async_pubsub()).await;
    let (mut sink, stream) = match opened {
        Ok(Ok(pubsub)) => pubsub.split(),
        Ok(Err(error)) => {
            tracing::debug!(%error, "Redis is not reachable");
            return None;
        }
        Err(_) => return None,
    };
    let documents: Vec<DocumentId> = bus.subscriptions().documents.keys().cloned().collect();
    if !documents.is_empty() {
        let channels: Vec<String> = documents.iter().map(channel).collect();
        let subscribed = tokio::time::timeout(REDIS_TIMEOUT, sink.subscribe(channels)).await;
        if !matches!(subscribed, Ok(Ok(()))) {
            return None;
        }
    }
    tracing::info!(documents = documents.len(), "connected to Redis");
    bus.catch_up_all();
    Some((sink, stream))
}

/// Carries out `command`; false if the connection failed.
async fn obey(sink: &mut PubSubSink, bus: &Bus, command: Command) -> bool {
    match command {
        Command::Subscribe { document, done } => {
            let subscribed =
                tokio::time::timeout(REDIS_TIMEOUT, sink.subscribe(channel(&document))).await;
            let _ = done.send(());
            matches!(subscribed, Ok(Ok(())))
        }
        Command::Unsubscribe { document } => {
            // Subscribed again meanwhile (unloaded, then loaded): keep the channel.
            if bus.subscriptions().documents.contains_key(&document) {
                return true;
            }
            let unsubscribed =
                tokio::time::timeout(REDIS_TIMEOUT, sink.unsubscribe(channel(&document))).await;
            matches!(unsubscribed, Ok(Ok(())))
        }
    }
}

/// Routes one message to its document's task.
fn receive(bus: &Bus, channel_name: &str, payload: &[u8]) {
    let Some(document) = channel_name
        .strip_prefix("weft:doc:")
        .and_then(|name| DocumentId::parse(name).ok())
    else {
        return;
    };
    let Some((origin, published)) = message::decode(payload) else {
        tracing::warn!(%document, "a bus message that is not one: ignored");
        return;
    };
    if origin == bus.origin {
        return;
    }
    #[cfg(feature = "fault-injection")]
    if bus.drops_this_message() {
        return;
    }
    let remote = match published {
        Published::Piece(piece) => Remote::Piece(piece),
        Published::Presence(frame) => match presence::decode(&frame) {
            Ok(entries) => Remote::Presence { origin, entries },
            Err(error) => {
                tracing::warn!(%document, %error, "a presence message on the bus that does not decode: ignored");
                return;
            }
        },
    };
    bus.deliver(&document, remote);
}
