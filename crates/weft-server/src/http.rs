//! The HTTP surface: the sync endpoints (WebSocket upgrades), a health check, and the demo
//! app's static files.

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use tokio::sync::Semaphore;
use tokio_util::task::TaskTracker;
use tower_http::services::ServeDir;

use crate::access::{Grant, Right, TokenKeys};
use crate::config::Limits;
use crate::connection::{self, Route};
use crate::document_id::DocumentId;
use crate::hooks::{ConnectionRequest, Hooks};
use crate::hub::Hub;

/// What the handlers share.
#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) hub: Arc<Hub>,
    /// Tracks the connections, so that a shutdown waits for them.
    pub(crate) tracker: TaskTracker,
    pub(crate) limits: Arc<Limits>,
    pub(crate) token: Option<Arc<str>>,
    pub(crate) keys: TokenKeys,
    pub(crate) hooks: Option<Arc<dyn Hooks>>,
    pub(crate) connections: Arc<Semaphore>,
}

/// `?token=` of a sync URL.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct TokenQuery {
    token: Option<String>,
}

/// The router: `/sync/{document}`, `/sync`, `/healthz`, and the demo at `/`.
pub(crate) fn router(state: AppState, demo_dir: Option<&Path>) -> Router {
    let router = Router::new()
        .route("/sync", get(sync_multiplexed))
        .route("/sync/{document}", get(sync_document))
        .route("/healthz", get(|| async { "ok\n" }));
    let router = match demo_dir {
        Some(directory) => router.fallback_service(ServeDir::new(directory)),
        None => router.fallback(no_demo),
    };
    router.with_state(state)
}

async fn no_demo() -> Response {
    (
        StatusCode::NOT_FOUND,
        "This Weft server serves no demo (start it with --demo-dir). Sync at /sync/<document>.\n",
    )
        .into_response()
}

async fn sync_document(
    State(state): State<AppState>,
    UrlPath(document): UrlPath<String>,
    Query(query): Query<TokenQuery>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    match DocumentId::parse(&document) {
        Ok(document) => accept(state, Route::Single(document), &query, &headers, upgrade).await,
        Err(error) => (StatusCode::BAD_REQUEST, format!("{error}\n")).into_response(),
    }
}

async fn sync_multiplexed(
    State(state): State<AppState>,
    Query(query): Query<TokenQuery>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    accept(state, Route::Multiplexed, &query, &headers, upgrade).await
}

/// Checks the token, asks the hooks, checks the connection limit, then upgrades.
async fn accept(
    state: AppState,
    route: Route,
    query: &TokenQuery,
    headers: &HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let Some(grant) = authenticate(&state, query, headers) else {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))],
            "a valid token is required\n",
        )
            .into_response();
    };
    let document = match &route {
        Route::Single(document) => Some(document),
        Route::Multiplexed => None,
    };
    let grant = match &state.hooks {
        Some(hooks) => {
            let request = ConnectionRequest {
                document,
                token: presented_tokens(query, headers).next(),
                headers,
            };
            hooks.authorize(request, grant).await
        }
        None => Some(grant),
    };
    let Some(grant) = grant else {
        return (StatusCode::FORBIDDEN, "the connection is not authorized\n").into_response();
    };
    if let Some(document) = document
        && grant.right_on(document).is_none()
    {
        return (
            StatusCode::FORBIDDEN,
            "the token does not grant this document\n",
        )
            .into_response();
    }
    let Ok(permit) = Arc::clone(&state.connections).try_acquire_owned() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "too many connections\n").into_response();
    };
    let size = state.limits.max_message_bytes;
    let tracker = state.tracker.clone();
    upgrade
        .max_message_size(size)
        .max_frame_size(size)
        .on_upgrade(move |socket| {
            tracker.track_future(async move {
                connection::serve(socket, route, grant, state.hub, state.limits).await;
                drop(permit);
            })
        })
}

/// What the request may do: everything without any token configured or with the shared
/// token, else what its signed token grants; `None` (401) without a valid token.
fn authenticate(state: &AppState, query: &TokenQuery, headers: &HeaderMap) -> Option<Grant> {
    if state.token.is_none() && state.keys.is_empty() {
        return Some(Grant::everything(Right::Write));
    }
    if let Some(expected) = &state.token
        && presents_token(expected, query, headers)
    {
        return Some(Grant::everything(Right::Write));
    }
    if state.keys.is_empty() {
        return None;
    }
    let presented = presented_tokens(query, headers).next()?;
    match state.keys.verify(presented) {
        Ok(grant) => Some(grant),
        Err(error) => {
            tracing::info!(%error, "refusing an upgrade: bad token");
            None
        }
    }
}

/// The tokens the request carries: `?token=`, then `Authorization: Bearer`.
fn presented_tokens<'a>(
    query: &'a TokenQuery,
    headers: &'a HeaderMap,
) -> impl Iterator<Item = &'a str> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    [query.token.as_deref(), bearer].into_iter().flatten()
}

/// Whether the request carries `expected` as `?token=` or `Authorization: Bearer`.
fn presents_token(expected: &str, query: &TokenQuery, headers: &HeaderMap) -> bool {
    presented_tokens(query, headers).any(|given| same_secret(given.as_bytes(), expected.as_bytes()))
}

/// Compares secrets in time independent of where they differ.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected)
            .fold(0u8, |difference, (a, b)| difference | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_from_query_or_header() {
        let none = HeaderMap::new();
        let query = |token: &str| TokenQuery {
            token: Some(token.to_string()),
        };
        assert!(presents_token("s3cret", &query("s3cret"), &none));
        assert!(!presents_token("s3cret", &query("s3cre"), &none));
        assert!(!presents_token("s3cret", &TokenQuery::default(), &none));
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer s3cret"),
        );
        assert!(presents_token("s3cret", &TokenQuery::default(), &headers));
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic s3cret"),
        );
        assert!(!presents_token("s3cret", &TokenQuery::default(), &headers));
    }
}
