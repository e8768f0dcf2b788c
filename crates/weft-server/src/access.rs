//! Who may do what: the right a connection has on each document, from the shared token
//! (`--token`: everything, read and write) or from a signed token (a JWT, HS256 with
//! `--jwt-secret` or EdDSA with `--jwt-public-key`) whose claims name the documents and the
//! right, until it expires.
//!
//! Claims of a Weft token:
//!
//! ```json
//! { "exp": 1767225600, "docs": ["board", "team-*"], "right": "read" }
//! ```
//!
//! - `exp` (required): seconds since the epoch; the upgrade is refused after it, and an
//!   open connection is closed when it passes (close code 4401).
//! - `docs`: exact document ids, or prefixes ending in `*` (`"*"` is every document).
//! - `right`: `"read"` (receive changes and presence; every change sent is refused and the
//!   connection closed with 4403) or `"write"`.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use thiserror::Error;

use crate::document_id::DocumentId;

/// What a connection may do with a document.
///
/// ```
/// use weft_server::Right;
/// assert!(Right::Write > Right::Read);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Right {
    /// Receive the document's changes and presence; send none of its changes.
    Read,
    /// Read and change the document.
    Write,
}

/// The documents a grant names.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Documents {
    Every,
    Named {
        exact: HashSet<String>,
        prefixes: Vec<String>,
    },
}

/// What one connection may do: a right on some documents, until an expiry.
///
/// ```
/// use weft_server::{DocumentId, Grant, Right};
/// let grant = Grant::everything(Right::Write);
/// assert_eq!(grant.right_on(&DocumentId::parse("board")?), Some(Right::Write));
/// # Ok::<(), weft_server::InvalidDocumentId>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    documents: Documents,
    right: Right,
    expires: Option<SystemTime>,
}

impl Grant {
    /// `right` on every document, for ever (no token required, or the shared token).
    #[must_use]
    pub fn everything(right: Right) -> Self {
        Self {
            documents: Documents::Every,
            right,
            expires: None,
        }
    }

    /// `right` on the documents named (exact ids, or prefixes ending in `*`) until `expires`.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use weft_server::{DocumentId, Grant, Right};
    /// let grant = Grant::named(["notes", "team-*"], Right::Read, Some(SystemTime::now() + Duration::from_secs(60)));
    /// assert_eq!(grant.right_on(&DocumentId::parse("team-a")?), Some(Right::Read));
    /// assert_eq!(grant.right_on(&DocumentId::parse("notes2")?), None);
    /// # Ok::<(), weft_server::InvalidDocumentId>(())
    /// ```
    #[must_use]
    pub fn named<'a>(
        documents: impl IntoIterator<Item = &'a str>,
        right: Right,
        expires: Option<SystemTime>,
    ) -> Self {
        let mut exact = HashSet::new();
        let mut prefixes = Vec::new();
        let mut every = false;
        for name in documents {
            match name.strip_suffix('*') {
                Some("") => every = true,
                Some(prefix) => prefixes.push(prefix.to_string()),
                None => {
                    exact.insert(name.to_string());
                }
            }
        }
        let documents = if every {
            Documents::Every
        } else {
            Documents::Named { exact, prefixes }
        };
        Self {
            documents,
            right,
            expires,
        }
    }

    /// The right on `document`, or `None` if the grant does not name it.
    ///
    /// ```
    /// use weft_server::{DocumentId, Grant, Right};
    /// let grant = Grant::named(["board"], Right::Write, None);
    /// assert_eq!(grant.right_on(&DocumentId::parse("notes")?), None);
    /// # Ok::<(), weft_server::InvalidDocumentId>(())
    /// ```
    #[must_use]
    pub fn right_on(&self, document: &DocumentId) -> Option<Right> {
        let named = match &self.documents {
            Documents::Every => true,
            Documents::Named { exact, prefixes } => {
                exact.contains(document.as_str())
                    || prefixes
                        .iter()
                        .any(|prefix| document.as_str().starts_with(prefix.as_str()))
            }
        };
        named.then_some(self.right)
    }

    /// When the grant ends, if it does.
    ///
    /// ```
    /// assert!(weft_server::Grant::everything(weft_server::Right::Read).expires().is_none());
    /// ```
    #[must_use]
    pub fn expires(&self) -> Option<SystemTime> {
        self.expires
    }

    /// How long until the grant ends (zero once it has), if it does.
    pub(crate) fn remaining(&self) -> Option<Duration> {
        self.expires.map(|expires| {
            expires
                .duration_since(SystemTime::now())
                .unwrap_or_default()
        })
    }
}

/// Why a signed token was refused (the client gets 401 and nothing else; the server logs
/// this).
///
/// ```
/// use weft_server::TokenError;
/// assert!(TokenError::NoKey.to_string().contains("key"));
/// ```
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The token's algorithm is not one a key is configured for.
    #[error("no key is configured for the token's algorithm")]
    NoKey,
    /// The token is malformed, badly signed, expired, or lacks a claim.
    #[error("invalid token: {0}")]
    Invalid(#[from] jsonwebtoken::errors::Error),
    /// The key file cannot be read or is not an Ed25519 public key in PEM.
    #[error("cannot use the key file {path}: {reason}")]
    Key {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
}

#[derive(Deserialize)]
struct Claims {
    exp: u64,
    #[serde(default)]
    docs: Vec<String>,
    right: Right,
}

/// The keys signed tokens are checked with.
///
/// ```
/// use weft_server::TokenKeys;
/// let keys = TokenKeys::default().with_secret(b"a secret of at least 32 bytes, please");
/// assert!(keys.verify("not a token").is_err());
/// ```
#[derive(Clone, Default)]
pub struct TokenKeys {
    secret: Option<Arc<DecodingKey>>,
    public_key: Option<Arc<DecodingKey>>,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("TokenKeys")
            .field("hs256", &self.secret.is_some())
            .field("eddsa", &self.public_key.is_some())
            .finish()
    }
}

impl TokenKeys {
    /// Also accepts HS256 tokens signed with `secret`.
    ///
    /// ```
    /// let keys = weft_server::TokenKeys::default().with_secret(b"s3cret");
    /// assert!(!keys.is_empty());
    /// ```
    #[must_use]
    pub fn with_secret(mut self, secret: &[u8]) -> Self {
        self.secret = Some(Arc::new(DecodingKey::from_secret(secret)));
        self
    }

    /// Also accepts EdDSA (Ed25519) tokens signed by the key whose public half is the PEM
    /// file at `path`.
    ///
    /// ```
    /// let missing = std::path::Path::new("/nonexistent/key.pem");
    /// assert!(weft_server::TokenKeys::default().with_public_key_file(missing).is_err());
    /// ```
    ///
    /// # Errors
    /// [`TokenError::Key`] if the file cannot be read or holds no Ed25519 public key.
    pub fn with_public_key_file(mut self, path: &Path) -> Result<Self, TokenError> {
        let failed = |reason: String| TokenError::Key {
            path: path.display().to_string(),
            reason,
        };
        let pem = std::fs::read(path).map_err(|error| failed(error.to_string()))?;
        let key = DecodingKey::from_ed_pem(&pem).map_err(|error| failed(error.to_string()))?;
        self.public_key = Some(Arc::new(key));
        Ok(self)
    }

    /// Whether no key is configured.
    ///
    /// ```
    /// assert!(weft_server::TokenKeys::default().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.secret.is_none() && self.public_key.is_none()
    }

    /// The grant of a signed token: its signature checked with the key of its algorithm,
    /// its expiry in the future.
    ///
    /// # Errors
    /// [`TokenError::NoKey`] for an algorithm without a key, [`TokenError::Invalid`] for a
    /// malformed, tampered or expired token.
    pub fn verify(&self, token: &str) -> Result<Grant, TokenError> {
        let header = jsonwebtoken::decode_header(token)?;
        let key = match header.alg {
            Algorithm::HS256 => self.secret.as_deref(),
            Algorithm::EdDSA => self.public_key.as_deref(),
            _ => None,
        }
        .ok_or(TokenError::NoKey)?;
        let mut validation = Validation::new(header.alg);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp"]);
        let claims = jsonwebtoken::decode::<Claims>(token, key, &validation)?.claims;
        // An expiry past what the clock can hold never comes.
        let expires = UNIX_EPOCH.checked_add(Duration::from_secs(claims.exp));
        Ok(Grant::named(
            claims.docs.iter().map(String::as_str),
            claims.right,
            expires,
        ))
    }
}
