//! Limits and sizes of a sync session.

/// The smallest frame size [`SyncConfig::max_frame_size`] may be set to; smaller settings
/// are raised to it.
///
/// ```
/// let config = weft_sync::SyncConfig::default().with_max_frame_size(1);
/// assert_eq!(config.frame_size(), weft_sync::MIN_FRAME_SIZE);
/// ```
pub const MIN_FRAME_SIZE: usize = 256;

/// Sizes and limits of one peer's session.
///
/// ```
/// use weft_sync::SyncConfig;
/// let config = SyncConfig::default().with_max_frame_size(16 * 1024); // small frames
/// assert_eq!(config.max_message_size, 256 * 1024 * 1024);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SyncConfig {
    /// The largest frame [`generate`](crate::generate) produces; larger messages are sent as
    /// chunks. At least [`MIN_FRAME_SIZE`]. Default 64 KiB.
    pub max_frame_size: usize,
    /// The largest message accepted from chunks. A peer whose state exceeds it cannot be
    /// repaired through this session. Default 256 MiB.
    pub max_message_size: usize,
    /// The most bytes of partial messages held at once. Default 256 MiB.
    pub max_buffered_bytes: usize,
    /// The most chunks of partial messages held at once. Default 65,536.
    pub max_buffered_chunks: usize,
    /// The most partial messages held at once; a new one evicts the oldest (its chunks were
    /// probably lost, and it will be sent again). Default 4.
    pub max_partial_messages: usize,
    /// Send our hello only once the peer's has arrived, written against it (protocol 3): a
    /// server answering reconnecting clients then sends what differs, not its whole version.
    /// Only one side of a session may wait. Default `false`.
    pub hello_after_peer: bool,
}

impl Default for SyncConfig {
    fn default() -> Self {
        Self {
            max_frame_size: 64 * 1024,
            max_message_size: 256 * 1024 * 1024,
            max_buffered_bytes: 256 * 1024 * 1024,
            max_buffered_chunks: 65_536,
            max_partial_messages: 4,
            hello_after_peer: false,
        }
    }
}

impl SyncConfig {
    /// This configuration with [`SyncConfig::max_frame_size`] set to `bytes`.
    ///
    /// ```
    /// let config = weft_sync::SyncConfig::default().with_max_frame_size(1024);
    /// assert_eq!(config.frame_size(), 1024);
    /// ```
    #[must_use]
    pub fn with_max_frame_size(mut self, bytes: usize) -> Self {
        self.max_frame_size = bytes;
        self
    }

    /// This configuration with [`SyncConfig::max_message_size`] set to `bytes`.
    ///
    /// ```
    /// let config = weft_sync::SyncConfig::default().with_max_message_size(1 << 20);
    /// assert_eq!(config.max_message_size, 1 << 20);
    /// ```
    #[must_use]
    pub fn with_max_message_size(mut self, bytes: usize) -> Self {
        self.max_message_size = bytes;
        self
    }

    /// This configuration with the reassembly limits set: bytes and chunks of partial
    /// messages held at once, and partial messages held at once.
    ///
    /// ```
    /// let config = weft_sync::SyncConfig::default().with_reassembly_limits(1 << 20, 100, 2);
    /// assert_eq!(config.max_partial_messages, 2);
    /// ```
    #[must_use]
    pub fn with_reassembly_limits(mut self, bytes: usize, chunks: usize, messages: usize) -> Self {
        self.max_buffered_bytes = bytes;
        self.max_buffered_chunks = chunks;
        self.max_partial_messages = messages;
        self
    }

    /// This configuration with [`SyncConfig::hello_after_peer`] set.
    ///
    /// ```
    /// let config = weft_sync::SyncConfig::default().with_hello_after_peer(true);
    /// assert!(config.hello_after_peer);
    /// ```
    #[must_use]
    pub fn with_hello_after_peer(mut self, wait: bool) -> Self {
        self.hello_after_peer = wait;
        self
    }

    /// The frame size in effect: [`SyncConfig::max_frame_size`], at least [`MIN_FRAME_SIZE`].
    ///
    /// ```
    /// let mut config = weft_sync::SyncConfig::default();
    /// config.max_frame_size = 10;
    /// assert_eq!(config.frame_size(), weft_sync::MIN_FRAME_SIZE);
    /// ```
    #[must_use]
    pub fn frame_size(&self) -> usize {
        self.max_frame_size.max(MIN_FRAME_SIZE)
    }
}
