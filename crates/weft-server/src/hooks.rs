//! The application's hook into the server: authorize each connection (after the token
//! checks) and observe each change the server stored.

use std::future::Future;
use std::pin::Pin;

use axum::http::HeaderMap;

use crate::access::Grant;
use crate::document_id::DocumentId;
use crate::store::Piece;

/// A future a hook returns (boxed, so that [`Hooks`] can be a trait object).
pub type HookFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A connection asking to upgrade.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct ConnectionRequest<'a> {
    /// The document of a `/sync/<document>` connection; `None` for `/sync` (multiplexed: the
    /// grant then decides per document).
    pub document: Option<&'a DocumentId>,
    /// The token presented (`?token=` or `Authorization: Bearer`), if any.
    pub token: Option<&'a str>,
    /// The upgrade request's headers (cookies, origin, …).
    pub headers: &'a HeaderMap,
}

/// What an application decides and hears, given to [`Server::start_with_hooks`](crate::Server::start_with_hooks).
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use weft_server::{ConnectionRequest, DocumentId, Grant, HookFuture, Hooks, Piece};
///
/// /// Refuses connections without an `Origin` header; counts stored changes.
/// #[derive(Default)]
/// struct App { stored: AtomicU64 }
///
/// impl Hooks for App {
///     fn authorize<'a>(&'a self, request: ConnectionRequest<'a>, grant: Grant) -> HookFuture<'a, Option<Grant>> {
///         let allowed = request.headers.contains_key("origin");
///         Box::pin(async move { allowed.then_some(grant) })
///     }
///     fn stored(&self, _document: &DocumentId, _piece: &Piece) {
///         self.stored.fetch_add(1, Ordering::Relaxed);
///     }
/// }
/// ```
pub trait Hooks: Send + Sync + 'static {
    /// Decides a connection that passed the token checks: `grant` is what its token grants
    /// (everything without tokens configured); the grant returned is what it may do, and
    /// `None` refuses it (403). May await (a lookup, an HTTP call); the upgrade waits.
    fn authorize<'a>(
        &'a self,
        request: ConnectionRequest<'a>,
        grant: Grant,
    ) -> HookFuture<'a, Option<Grant>> {
        let _ = request;
        Box::pin(async move { Some(grant) })
    }

    /// Called once a piece of `document` is committed (before any acknowledgement of it is
    /// sent), on the document's task: keep it quick (hand the piece to a channel).
    fn stored(&self, document: &DocumentId, piece: &Piece) {
        let _ = (document, piece);
    }
}
