//! One WebSocket connection: reads sync and presence frames into document sessions (within
//! the limits), writes what the documents send back.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use weft::sync::{Message, presence};

use crate::access::Grant;
use crate::channel::{
    DocumentHandle, Inbound, Outgoing, Peer, SessionId, close_code, truncate_reason,
};
use crate::config::Limits;
use crate::document_id::DocumentId;
use crate::envelope;
use crate::hub::Hub;
use crate::rate::TokenBucket;
use crate::unwind;

/// Which documents a connection carries.
#[derive(Clone, Debug)]
pub(crate) enum Route {
    /// `/sync/<document>`: one document, bare frames.
    Single(DocumentId),
    /// `/sync`: several documents, each frame in an [`envelope`].
    Multiplexed,
}

/// Why the reader stopped.
enum Ending {
    /// The client closed, the connection broke, or the writer stopped: leave the sessions.
    Closed,
    /// The server is shutting down: the documents close the sessions once they have
    /// answered what they already received.
    Shutdown,
}

/// Serves one upgraded connection until either side closes it.
pub(crate) async fn serve(
    socket: WebSocket,
    route: Route,
    grant: Grant,
    hub: Arc<Hub>,
    limits: Arc<Limits>,
) {
    let (sink, stream) = socket.split();
    let (outbox, outbox_receiver) = mpsc::channel(limits.max_queued_messages.max(1));
    let connection = CancellationToken::new();
    let peer = Peer {
        outbox,
        connection: connection.clone(),
    };
    let multiplexed = matches!(route, Route::Multiplexed);
    let writer = tokio::spawn(write(
        sink,
        outbox_receiver,
        multiplexed,
        connection.clone(),
    ));
    let mut reader = Reader {
        route,
        grant,
        hub,
        limits,
        peer,
        sessions: HashMap::new(),
    };
    let ending = reader.read(stream, &connection).await;
    if matches!(ending, Ending::Closed) {
        for (session, handle) in reader.sessions.values() {
            handle.leave(*session);
        }
        connection.cancel();
    }
    drop(reader);
    let _ = writer.await;
}

struct Reader {
    route: Route,
    grant: Grant,
    hub: Arc<Hub>,
    limits: Arc<Limits>,
    peer: Peer,
    sessions: HashMap<DocumentId, (SessionId, DocumentHandle)>,
}

impl Reader {
    async fn read(
        &mut self,
        mut stream: SplitStream<WebSocket>,
        connection: &CancellationToken,
    ) -> Ending {
        let shutdown = self.hub.shutdown.clone();
        if let Route::Single(document) = &self.route {
            let document = document.clone();
            match self.join(&document) {
                Joined::Open(_) => {}
                Joined::Refused => return Ending::Closed,
                Joined::ShuttingDown => return Ending::Shutdown,
            }
        }
        // The grant's end: the connection closes then (4401), its client gets a new token.
        let expiry = self.grant.remaining().map(|left| Instant::now() + left);
        let expired = async move {
            match expiry {
                Some(deadline) => tokio::time::sleep_until(deadline).await,
                None => std::future::pending().await,
            }
        };
        tokio::pin!(expired);
        let mut bucket = TokenBucket::new(
            self.limits.messages_per_second,
            self.limits.message_burst,
            Instant::now(),
        );
        loop {
            let next = tokio::select! {
                biased;
                () = connection.cancelled() => return Ending::Closed,
                () = shutdown.cancelled() => return Ending::Shutdown,
                () = &mut expired => {
                    self.close(close_code::TOKEN_EXPIRED, "the token has expired");
                    return Ending::Closed;
                }
                next = stream.next() => next,
            };
            let bytes = match next {
                None | Some(Ok(WsMessage::Close(_))) => return Ending::Closed,
                Some(Err(error)) => {
                    if is_capacity_error(error) {
                        self.close(close_code::MESSAGE_TOO_BIG, "message too big");
                    }
                    return Ending::Closed;
                }
                Some(Ok(WsMessage::Ping(_) | WsMessage::Pong(_))) => continue,
                Some(Ok(WsMessage::Text(_))) => {
                    self.close(close_code::UNSUPPORTED_DATA, "binary sync frames only");
                    return Ending::Closed;
                }
                Some(Ok(WsMessage::Binary(bytes))) => bytes,
            };
            let wait = bucket.take(Instant::now());
            if !wait.is_zero() {
                tokio::select! {
                    () = connection.cancelled() => return Ending::Closed,
                    () = shutdown.cancelled() => return Ending::Shutdown,
                    () = tokio::time::sleep(wait) => {}
                }
            }
            if let Some(ending) = self.handle(&bytes, connection).await {
                return ending;
            }
        }
    }

    /// Hands one binary message to its document; `Some` ends the connection.
    async fn handle(&mut self, bytes: &[u8], connection: &CancellationToken) -> Option<Ending> {
        let (document, frame) = match &self.route {
            Route::Single(document) => (document.clone(), bytes),
            Route::Multiplexed => match envelope::open(bytes) {
                Ok(opened) => opened,
                Err(error) => {
                    self.close(
                        close_code::PROTOCOL_ERROR,
                        &format!("protocol error: {error}"),
                    );
                    return Some(Ending::Closed);
                }
            },
        };
        if frame.is_empty() && matches!(self.route, Route::Multiplexed) {
            if let Some((session, handle)) = self.sessions.remove(&document) {
                handle.leave(session);
            }
            return None;
        }
        let message = match decode(frame) {
            Ok(message) => message,
            Err(error) => {
                tracing::info!(%document, %error, "closing a connection: malformed frame");
                self.close(
                    close_code::PROTOCOL_ERROR,
                    &format!("protocol error: malformed frame: {error}"),
                );
                return Some(Ending::Closed);
            }
        };
        let (session, handle) = match self.sessions.get(&document) {
            Some(open) => open.clone(),
            None => {
                if self.sessions.len() >= self.limits.max_documents_per_connection {
                    self.close(
                        close_code::POLICY_VIOLATION,
                        "too many documents on one connection",
                    );
                    return Some(Ending::Closed);
                }
                match self.join(&document) {
                    Joined::Open(open) => open,
                    Joined::Refused => return Some(Ending::Closed),
                    Joined::ShuttingDown => return Some(Ending::Shutdown),
                }
            }
        };
        let shutdown = self.hub.shutdown.clone();
        tokio::select! {
            () = connection.cancelled() => Some(Ending::Closed),
            () = shutdown.cancelled() => Some(Ending::Shutdown),
            delivered = handle.send(session, message) => {
                if delivered { None } else { Some(Ending::Closed) }
            }
        }
    }

    /// Opens a session of `document` with the grant's right on it; refused (the
    /// connection closes with 4403) if the grant does not name it.
    fn join(&mut self, document: &DocumentId) -> Joined {
        let Some(right) = self.grant.right_on(document) else {
            self.close(
                close_code::READ_ONLY,
                &format!("the token does not grant document {document}"),
            );
            return Joined::Refused;
        };
        let Some(joined) = self.hub.join(document, self.peer.clone(), right) else {
            return Joined::ShuttingDown;
        };
        self.sessions.insert(document.clone(), joined.clone());
        Joined::Open(joined)
    }

    fn close(&self, code: u16, reason: &str) {
        self.peer.send(Outgoing::Close {
            code,
            reason: truncate_reason(reason),
        });
    }
}

/// Decodes one frame of a client: a presence message (tag 9) or a sync message. A decoder
/// bug that panics on some bytes ends this connection only.
fn decode(frame: &[u8]) -> Result<Inbound, String> {
    let decoded = if presence::is_presence(frame) {
        unwind::catch(|| {
            presence::decode(frame)
                .map(Inbound::Presence)
                .map_err(|error| error.to_string())
        })
    } else {
        unwind::catch(|| {
            Message::from_bytes(frame)
                .map(Inbound::Sync)
                .map_err(|error| error.to_string())
        })
    };
    decoded
        .map_err(|panic| {
            tracing::warn!(%panic, "a frame made the decoder panic");
            "the frame breaks the decoder".to_string()
        })
        .and_then(|decoded| decoded)
}

/// What [`Reader::join`] did.
enum Joined {
    Open((SessionId, DocumentHandle)),
    /// The grant does not name the document: the connection closes.
    Refused,
    ShuttingDown,
}

/// Whether the WebSocket refused a message larger than the limit.
fn is_capacity_error(error: axum::Error) -> bool {
    error
        .into_inner()
        .downcast_ref::<tokio_tungstenite::tungstenite::Error>()
        .is_some_and(|error| matches!(error, tokio_tungstenite::tungstenite::Error::Capacity(_)))
}

/// Writes what the documents send until a close is due, then closes the WebSocket.
async fn write(
    mut sink: SplitSink<WebSocket, WsMessage>,
    mut outbox: mpsc::Receiver<Outgoing>,
    multiplexed: bool,
    connection: CancellationToken,
) {
    let (code, reason) = loop {
        let next = tokio::select! {
            biased;
            next = outbox.recv() => next,
            () = connection.cancelled() => {
                // The reader stopped, or a document found the queue full (a client too slow
                // to read what it is sent).
                if outbox.len() >= outbox.max_capacity() {
                    break (close_code::POLICY_VIOLATION, "too slow to read".to_string());
                }
                break (close_code::NORMAL, "closing".to_string());
            }
        };
        match next {
            Some(Outgoing::Frame { document, bytes }) => {
                let bytes = if multiplexed {
                    envelope::seal(&document, &bytes)
                } else {
                    bytes
                };
                if sink
                    .send(WsMessage::Binary(Bytes::from(bytes)))
                    .await
                    .is_err()
                {
                    connection.cancel();
                    return;
                }
            }
            Some(Outgoing::Close { code, reason }) => break (code, reason),
            None => break (close_code::GOING_AWAY, "server shutting down".to_string()),
        }
    };
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    let _ = sink.send(WsMessage::Close(Some(frame))).await;
    let _ = sink.close().await;
    connection.cancel();
}
