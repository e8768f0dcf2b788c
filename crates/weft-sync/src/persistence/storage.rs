//! Where a log's bytes live: a small trait, a file and an in-memory implementation.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};

/// The bytes of one log. A [`Log`](crate::Log) only appends, truncates a damaged tail, and
/// replaces everything at once when compacting.
///
/// ```
/// use weft_sync::{MemoryStorage, Storage};
/// let mut storage = MemoryStorage::new();
/// storage.append(b"abc")?;
/// storage.truncate(2)?;
/// assert_eq!(storage.read_all()?, b"ab");
/// storage.replace(b"xyz")?;
/// assert_eq!(storage.read_all()?, b"xyz");
/// # Ok::<(), std::io::Error>(())
/// ```
pub trait Storage {
    /// Every byte of the log.
    ///
    /// # Errors
    /// Any I/O error.
    fn read_all(&mut self) -> io::Result<Vec<u8>>;

    /// Appends `bytes`; they must be durable when this returns. If it fails, part of `bytes`
    /// may have been written (the log cuts it off before its next append).
    ///
    /// # Errors
    /// Any I/O error.
    fn append(&mut self, bytes: &[u8]) -> io::Result<()>;

    /// Keeps the first `length` bytes, durably.
    ///
    /// # Errors
    /// Any I/O error.
    fn truncate(&mut self, length: u64) -> io::Result<()>;

    /// Replaces every byte with `bytes`, atomically: after a crash the storage holds either the
    /// old bytes or the new ones, never a mix.
    ///
    /// # Errors
    /// Any I/O error; the old bytes are intact then.
    fn replace(&mut self, bytes: &[u8]) -> io::Result<()>;
}

/// A log in memory (tests, and hosts that persist the bytes themselves).
///
/// ```
/// use weft_sync::MemoryStorage;
/// let storage = MemoryStorage::from_bytes(vec![1, 2]);
/// assert_eq!(storage.bytes(), &[1, 2]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoryStorage {
    bytes: Vec<u8>,
}

impl MemoryStorage {
    /// An empty storage.
    ///
    /// ```
    /// assert!(weft_sync::MemoryStorage::new().bytes().is_empty());
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A storage holding `bytes`.
    ///
    /// ```
    /// assert_eq!(weft_sync::MemoryStorage::from_bytes(vec![3]).bytes(), &[3]);
    /// ```
    #[must_use]
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self { bytes }
    }

    /// The bytes held.
    ///
    /// ```
    /// assert_eq!(weft_sync::MemoryStorage::from_bytes(vec![4]).bytes(), &[4]);
    /// ```
    #[must_use]
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The bytes held, by value.
    ///
    /// ```
    /// assert_eq!(weft_sync::MemoryStorage::from_bytes(vec![5]).into_bytes(), vec![5]);
    /// ```
    #[must_use]
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

impl Storage for MemoryStorage {
    fn read_all(&mut self) -> io::Result<Vec<u8>> {
        Ok(self.bytes.clone())
    }

    fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.bytes.extend_from_slice(bytes);
        Ok(())
    }

    fn truncate(&mut self, length: u64) -> io::Result<()> {
        let length = usize::try_from(length).unwrap_or(usize::MAX);
        self.bytes.truncate(length);
        Ok(())
    }

    fn replace(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.bytes = bytes.to_vec();
        Ok(())
    }
}

/// A log in a file. Appends are followed by `fsync`; [`Storage::replace`] writes a temporary
/// file beside the log, syncs it, renames it over the log and syncs the directory.
///
/// ```no_run
/// use weft_core::{GCounter, Replica, ReplicaId};
/// use weft_sync::{FileStorage, Log};
/// let storage = FileStorage::open("counter.wflog")?;
/// let opened = Log::open_or_create(storage, || {
///     Replica::<GCounter>::new(ReplicaId::random())
/// })?;
/// # Ok::<(), weft_sync::LogError>(())
/// ```
#[derive(Debug)]
pub struct FileStorage {
    path: PathBuf,
    file: File,
}

impl FileStorage {
    /// Opens (or creates) the log file at `path`.
    ///
    /// ```no_run
    /// let storage = weft_sync::FileStorage::open("replica.wflog")?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    /// Any I/O error.
    pub fn open(path: impl AsRef<Path>) -> io::Result<Self> {
        let path = path.as_ref().to_path_buf();
        let file = Self::open_file(&path)?;
        Ok(Self { path, file })
    }

    /// The log file's path.
    ///
    /// ```no_run
    /// let storage = weft_sync::FileStorage::open("replica.wflog")?;
    /// assert!(storage.path().ends_with("replica.wflog"));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn open_file(path: &Path) -> io::Result<File> {
        OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
    }

    fn temporary_path(&self) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(".tmp");
        self.path.with_file_name(name)
    }

    fn sync_directory(&self) -> io::Result<()> {
        #[cfg(unix)]
        {
            let directory = match self.path.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent,
                _ => Path::new("."),
            };
            File::open(directory)?.sync_all()?;
        }
        Ok(())
    }
}

impl Storage for FileStorage {
    fn read_all(&mut self) -> io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        File::open(&self.path)?.read_to_end(&mut bytes)?;
        Ok(bytes)
    }

    fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes)?;
        self.file.sync_data()
    }

    fn truncate(&mut self, length: u64) -> io::Result<()> {
        self.file.set_len(length)?;
        self.file.sync_all()
    }

    fn replace(&mut self, bytes: &[u8]) -> io::Result<()> {
        let temporary = self.temporary_path();
        {
            let mut file = File::create(&temporary)?;
            file.write_all(bytes)?;
            file.sync_all()?;
        }
        fs::rename(&temporary, &self.path)?;
        self.sync_directory()?;
        self.file = Self::open_file(&self.path)?;
        Ok(())
    }
}
