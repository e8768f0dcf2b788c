//! `SyncClient`: a Rust client of the server — one replica synced over one WebSocket
//! (`/sync/<document>`), with the weft-sync protocol. Tests and the load benchmark use it;
//! so can a Rust program that syncs through the server.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use thiserror::Error;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::{self, Message as WsMessage};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use weft::internals::store::DotStore;
use weft::sync::{Message, Received, SyncError, SyncState, generate, receive};
use weft::{DecodeError, Replica, Replicated, Scope};

/// How long [`SyncClient::settle`] waits for the session to become idle.
const SETTLE_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a [`SyncClient`] operation failed.
///
/// ```
/// let error = weft_server::ClientError::Timeout;
/// assert_eq!(error.to_string(), "timed out waiting for the server");
/// ```
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The WebSocket failed: connection refused, HTTP refusal (401, 503), I/O.
    #[error("websocket: {0}")]
    WebSocket(#[from] Box<tungstenite::Error>),
    /// The server sent bytes that are not a sync message.
    #[error("the server sent a malformed message: {0}")]
    Decode(#[from] DecodeError),
    /// The server's message broke the protocol.
    #[error("sync: {0}")]
    Sync(#[from] SyncError),
    /// The server closed the connection.
    #[error("closed by the server ({code}: {reason})")]
    Closed {
        /// The WebSocket close code (1001: shutdown, 1002: protocol error, ...).
        code: u16,
        /// The reason the server gave.
        reason: String,
    },
    /// The server did not answer in time.
    #[error("timed out waiting for the server")]
    Timeout,
}

impl From<tungstenite::Error> for ClientError {
    fn from(error: tungstenite::Error) -> Self {
        Self::WebSocket(Box::new(error))
    }
}

impl ClientError {
    /// The HTTP status of a refused upgrade (401 without a valid token, 503 when full).
    ///
    /// ```
    /// assert_eq!(weft_server::ClientError::Timeout.http_status(), None);
    /// ```
    #[must_use]
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Self::WebSocket(error) => match error.as_ref() {
                tungstenite::Error::Http(response) => Some(response.status().as_u16()),
                _ => None,
            },
            _ => None,
        }
    }
}

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// One replica synced with the server over one WebSocket. See the crate docs for an example.
#[derive(Debug)]
pub struct SyncClient<R> {
    socket: Socket,
    state: SyncState,
    replica: R,
}

impl<R: Replicated> SyncClient<R> {
    /// Connects to a document's sync URL (`ws://host/sync/<document>`, with `?token=` if
    /// the server wants one) and sends the hello.
    ///
    /// # Errors
    /// [`ClientError::WebSocket`] if the connection or the upgrade fails.
    pub async fn connect(url: &str, replica: R) -> Result<Self, ClientError> {
        Self::connect_with_state(url, replica, SyncState::new()).await
    }

    /// As [`SyncClient::connect`], resuming `state` (after [`SyncState::reconnect`], or
    /// [`SyncState::resume`]): changes the server acknowledged are not sent again.
    ///
    /// # Errors
    /// [`ClientError::WebSocket`] if the connection or the upgrade fails.
    pub async fn connect_with_state(
        url: &str,
        replica: R,
        state: SyncState,
    ) -> Result<Self, ClientError> {
        let (socket, _) = tokio_tungstenite::connect_async(url).await?;
        let mut client = Self {
            socket,
            state,
            replica,
        };
        client.flush().await?;
        Ok(client)
    }

    /// The replica.
    #[must_use]
    pub fn replica(&self) -> &R {
        &self.replica
    }

    /// The session's sync state (what the server acknowledged: [`SyncState::peer_version`]).
    #[must_use]
    pub fn state(&self) -> &SyncState {
        &self.state
    }

    /// The replica and the sync state, giving up the connection (to reconnect later with
    /// [`SyncState::reconnect`] and [`SyncClient::connect_with_state`]).
    #[must_use]
    pub fn into_parts(self) -> (R, SyncState) {
        (self.replica, self.state)
    }

    /// Changes the replica through `change`, then sends what is due.
    ///
    /// # Errors
    /// [`ClientError::WebSocket`] if sending fails.
    pub async fn change<T>(&mut self, change: impl FnOnce(&mut R) -> T) -> Result<T, ClientError> {
        let result = change(&mut self.replica);
        self.flush().await?;
        Ok(result)
    }

    /// Sends every message the protocol has due.
    ///
    /// # Errors
    /// [`ClientError::WebSocket`] if sending fails.
    pub async fn flush(&mut self) -> Result<(), ClientError> {
        let mut any = false;
        while let Some(message) = generate(&mut self.state, &self.replica) {
            self.socket
                .feed(WsMessage::Binary(message.to_bytes().into()))
                .await?;
            any = true;
        }
        if any {
            self.socket.flush().await?;
        }
        Ok(())
    }

    /// Waits for the server's next message, handles it and sends what is due.
    ///
    /// # Errors
    /// [`ClientError::Closed`] if the server closed the connection, [`ClientError::Decode`]
    /// or [`ClientError::Sync`] for a message the protocol refuses, [`ClientError::WebSocket`]
    /// if the connection fails.
    pub async fn receive(&mut self) -> Result<Received, ClientError> {
        loop {
            let Some(next) = self.socket.next().await else {
                return Err(ClientError::Closed {
                    code: 1006,
                    reason: "connection lost".to_string(),
                });
            };
            match next? {
                WsMessage::Binary(bytes) => {
                    let message = Message::from_bytes(&bytes)?;
                    let received = receive(&mut self.state, &mut self.replica, message)?;
                    self.flush().await?;
                    return Ok(received);
                }
                WsMessage::Close(frame) => {
                    let (code, reason) = frame.map_or((1005, String::new()), |frame| {
                        (u16::from(frame.code), frame.reason.to_string())
                    });
                    return Err(ClientError::Closed { code, reason });
                }
                _ => {}
            }
        }
    }

    /// Whether everything local is acknowledged by the server and the handshake is done.
    #[must_use]
    pub fn is_idle(&self) -> bool {
        self.state.is_idle(&self.replica)
    }

    /// Handles the server's messages until [`SyncClient::is_idle`]: the server holds (durably)
    /// everything this replica holds, and this replica received what the server held when it
    /// answered the hello.
    ///
    /// # Errors
    /// [`ClientError::Timeout`] after 30 seconds, or an error of [`SyncClient::receive`].
    pub async fn settle(&mut self) -> Result<(), ClientError> {
        tokio::time::timeout(SETTLE_TIMEOUT, async {
            while !self.is_idle() {
                self.receive().await?;
            }
            Ok(())
        })
        .await
        .map_err(|_| ClientError::Timeout)?
    }

    /// Handles whatever the server sends during `duration` (changes of other clients).
    ///
    /// # Errors
    /// An error of [`SyncClient::receive`].
    pub async fn receive_for(&mut self, duration: Duration) -> Result<(), ClientError> {
        let deadline = tokio::time::Instant::now() + duration;
        loop {
            match tokio::time::timeout_at(deadline, self.receive()).await {
                Err(_) => return Ok(()),
                Ok(result) => {
                    result?;
                }
            }
        }
    }

    /// Closes the connection.
    ///
    /// # Errors
    /// [`ClientError::WebSocket`] if the close handshake fails.
    pub async fn close(mut self) -> Result<(), ClientError> {
        match self.socket.close(None).await {
            Ok(()) | Err(tungstenite::Error::ConnectionClosed) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }
}

impl<S: DotStore> SyncClient<Replica<S>> {
    /// Makes a change in one transaction and sends it.
    ///
    /// # Errors
    /// [`ClientError::WebSocket`] if sending fails.
    pub async fn edit<T>(
        &mut self,
        change: impl FnOnce(&mut Scope<'_, S>) -> T,
    ) -> Result<T, ClientError> {
        let mut result = None;
        self.replica.update(|scope| result = Some(change(scope)));
        self.flush().await?;
        Ok(result.expect("the transaction ran"))
    }
}
