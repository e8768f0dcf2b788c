//! Splitting large messages into chunks, and reassembling them within bounds.
//!
//! The receiver holds only bytes it has actually received: nothing is allocated from the
//! length a chunk claims, partial messages are capped in bytes, chunks and number, and a
//! new partial message beyond the cap evicts the oldest one.
//!
//! The partial messages are few (`SyncConfig::max_partial_messages`, 4 by default), so they
//! sit in a vector searched from end to end. Each one keeps its pieces in arrival order and
//! finds them by offset through a `BTreeMap<u64, u32>`: the map type the identity index of
//! `weft-text` already uses, so that the WebAssembly build compiles one B-tree for both.

use std::collections::{BTreeMap, VecDeque};

use crate::config::SyncConfig;
use crate::error::SyncError;
use crate::message::{CHUNK_OVERHEAD, Chunk, Message};

/// Splits the encoded message `bytes` into chunk messages whose frames fit `frame_size`.
pub(crate) fn split(session: u32, transfer: u64, bytes: &[u8], frame_size: usize) -> Vec<Message> {
    let piece = frame_size.saturating_sub(CHUNK_OVERHEAD).max(1);
    let total = bytes.len() as u64;
    bytes
        .chunks(piece)
        .enumerate()
        .map(|(index, slice)| {
            Message::Chunk(Chunk::new(
                session,
                transfer,
                total,
                (index * piece) as u64,
                slice.to_vec(),
            ))
        })
        .collect()
}

/// Partial messages being reassembled.
#[derive(Clone, Debug, Default)]
pub(crate) struct Reassembly {
    partials: Vec<((u32, u64), Partial)>,
    buffered_bytes: usize,
    buffered_chunks: usize,
    arrivals: u64,
    /// Recently completed messages: late duplicates of their chunks are ignored.
    completed: VecDeque<(u32, u64)>,
}

/// How many completed messages [`Reassembly`] remembers.
const REMEMBERED: usize = 16;

#[derive(Clone, Debug)]
struct Partial {
    total: u64,
    received: u64,
    arrival: u64,
    /// Where each piece starts ↦ its position in `pieces`.
    offsets: BTreeMap<u64, u32>,
    /// The pieces in arrival order.
    pieces: Vec<Vec<u8>>,
}

impl Reassembly {
    /// Adds `chunk`; returns the whole message's bytes once every piece is there.
    pub(crate) fn insert(
        &mut self,
        chunk: Chunk,
        config: &SyncConfig,
    ) -> Result<Option<Vec<u8>>, SyncError> {
        let key = (chunk.session, chunk.transfer);
        let result = self.try_insert(key, chunk, config);
        if result.is_err() {
            self.remove(key);
        }
        result
    }

    fn try_insert(
        &mut self,
        key: (u32, u64),
        chunk: Chunk,
        config: &SyncConfig,
    ) -> Result<Option<Vec<u8>>, SyncError> {
        if chunk.total > config.max_message_size as u64 {
            return Err(SyncError::MessageTooLarge {
                length: chunk.total,
                limit: config.max_message_size,
            });
        }
        let length = chunk.bytes.len();
        let end = chunk.offset.checked_add(length as u64);
        if length == 0 || end.is_none_or(|end| end > chunk.total) {
            return Err(SyncError::ChunkOutOfBounds {
                offset: chunk.offset,
                length,
                total: chunk.total,
            });
        }
        if self.completed.contains(&key) {
            return Ok(None);
        }
        if let Some(partial) = self.partial(key)
            && partial.total != chunk.total
        {
            return Err(SyncError::ChunkLengthMismatch {
                first: partial.total,
                second: chunk.total,
            });
        }
        if let Some(partial) = self.partial(key)
            && partial.overlaps(&chunk)?
        {
            return Ok(None); // a duplicate
        }
        if self.buffered_bytes + length > config.max_buffered_bytes {
            return Err(SyncError::ReassemblyFull {
                what: "bytes",
                buffered: self.buffered_bytes,
                limit: config.max_buffered_bytes,
            });
        }
        // Piece positions are `u32`: a configured limit beyond that is capped.
        let max_chunks = config.max_buffered_chunks.min(u32::MAX as usize);
        if self.buffered_chunks + 1 > max_chunks {
            return Err(SyncError::ReassemblyFull {
                what: "chunks",
                buffered: self.buffered_chunks,
                limit: max_chunks,
            });
        }
        if self.partial(key).is_none() {
            self.make_room(config.max_partial_messages.max(1) - 1);
            self.arrivals += 1;
            self.partials.push((
                key,
                Partial {
                    total: chunk.total,
                    received: 0,
                    arrival: self.arrivals,
                    offsets: BTreeMap::new(),
                    pieces: Vec::new(),
                },
            ));
        }
        self.buffered_bytes += length;
        self.buffered_chunks += 1;
        let Some((_, partial)) = self.partials.iter_mut().find(|(held, _)| *held == key) else {
            return Ok(None);
        };
        partial.received += length as u64;
        let position = u32::try_from(partial.pieces.len()).expect("at most u32::MAX chunks");
        partial.offsets.insert(chunk.offset, position);
        partial.pieces.push(chunk.bytes);
        if partial.received < partial.total {
            return Ok(None);
        }
        let Some(partial) = self.remove(key) else {
            return Ok(None);
        };
        if self.completed.len() == REMEMBERED {
            self.completed.pop_front();
        }
        self.completed.push_back(key);
        let mut whole = Vec::with_capacity(partial.pieces.iter().map(Vec::len).sum());
        for position in partial.offsets.values() {
            whole.extend_from_slice(&partial.pieces[*position as usize]);
        }
        Ok(Some(whole))
    }

    /// Drops every partial message (their missing chunks will come again under a new transfer).
    pub(crate) fn clear(&mut self) {
        self.partials.clear();
        self.buffered_bytes = 0;
        self.buffered_chunks = 0;
    }

    /// How many bytes of partial messages are held.
    pub(crate) fn buffered_bytes(&self) -> usize {
        self.buffered_bytes
    }

    fn make_room(&mut self, keep: usize) {
        while self.partials.len() > keep {
            let oldest = self
                .partials
                .iter()
                .min_by_key(|(_, partial)| partial.arrival)
                .map(|(key, _)| *key);
            match oldest {
                Some(key) => {
                    self.remove(key);
                }
                None => return,
            }
        }
    }

    /// The partial message `key`, if one is being reassembled.
    fn partial(&self, key: (u32, u64)) -> Option<&Partial> {
        self.partials
            .iter()
            .find(|(held, _)| *held == key)
            .map(|(_, partial)| partial)
    }

    fn remove(&mut self, key: (u32, u64)) -> Option<Partial> {
        let position = self.partials.iter().position(|(held, _)| *held == key)?;
        let (_, partial) = self.partials.swap_remove(position);
        self.buffered_bytes -= partial.pieces.iter().map(Vec::len).sum::<usize>();
        self.buffered_chunks -= partial.pieces.len();
        Some(partial)
    }
}

impl Partial {
    /// `Ok(true)` if `chunk` repeats a piece already held, an error if it overlaps one
    /// otherwise, `Ok(false)` if it is new.
    fn overlaps(&self, chunk: &Chunk) -> Result<bool, SyncError> {
        let end = chunk.offset + chunk.bytes.len() as u64;
        let out_of_bounds = || SyncError::ChunkOutOfBounds {
            offset: chunk.offset,
            length: chunk.bytes.len(),
            total: chunk.total,
        };
        if let Some((offset, position)) = self.offsets.range(..=chunk.offset).next_back() {
            let piece = &self.pieces[*position as usize];
            if *offset == chunk.offset && piece.len() == chunk.bytes.len() {
                return Ok(true);
            }
            if offset + piece.len() as u64 > chunk.offset {
                return Err(out_of_bounds());
            }
        }
        if let Some((offset, _)) = self.offsets.range(chunk.offset + 1..).next()
            && *offset < end
        {
            return Err(out_of_bounds());
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests;
