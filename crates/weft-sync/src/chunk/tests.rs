//! Tests of chunking and bounded reassembly.

use super::*;

fn pieces(bytes: &[u8], frame_size: usize) -> Vec<Chunk> {
    split(1, 1, bytes, frame_size)
        .into_iter()
        .filter_map(|message| match message {
            Message::Chunk(chunk) => Some(chunk),
            _ => None,
        })
        .collect()
}

#[test]
fn chunks_fit_the_frame_and_reassemble_in_any_order() {
    let bytes: Vec<u8> = (0..5_000u32).map(|value| value as u8).collect();
    let mut chunks = pieces(&bytes, 512);
    assert!(chunks.len() > 5);
    for chunk in &chunks {
        assert!(Message::Chunk(chunk.clone()).to_bytes().len() <= 512);
    }
    chunks.reverse();
    chunks.swap(0, 3);
    let config = SyncConfig::default();
    let mut reassembly = Reassembly::default();
    let mut completed = Vec::new();
    // Every chunk twice, and all of them again afterwards: duplicates are ignored.
    for chunk in chunks
        .iter()
        .flat_map(|chunk| [chunk, chunk])
        .chain(&chunks)
    {
        if let Some(whole) = reassembly.insert(chunk.clone(), &config).unwrap() {
            completed.push(whole);
        }
    }
    assert_eq!(completed, vec![bytes]);
    assert_eq!(reassembly.buffered_bytes(), 0);
}

#[test]
fn a_message_completes_once() {
    let bytes = vec![7u8; 1_000];
    let config = SyncConfig::default();
    let mut reassembly = Reassembly::default();
    let mut completed = Vec::new();
    for chunk in pieces(&bytes, 300) {
        if let Some(whole) = reassembly.insert(chunk, &config).unwrap() {
            completed.push(whole);
        }
    }
    assert_eq!(completed, vec![bytes]);
    assert_eq!(reassembly.buffered_bytes(), 0);
}

#[test]
fn hostile_chunks_are_refused_without_allocating_their_claims() {
    let config = SyncConfig::default();
    let mut reassembly = Reassembly::default();
    let huge = Chunk::new(1, 1, u64::MAX, 0, vec![1]);
    assert!(matches!(
        reassembly.insert(huge, &config),
        Err(SyncError::MessageTooLarge { .. })
    ));
    let beyond = Chunk::new(1, 2, 10, u64::MAX, vec![1]);
    assert!(matches!(
        reassembly.insert(beyond, &config),
        Err(SyncError::ChunkOutOfBounds { .. })
    ));
    let empty = Chunk::new(1, 2, 10, 0, Vec::new());
    assert!(reassembly.insert(empty, &config).is_err());
    reassembly
        .insert(Chunk::new(1, 3, 10, 0, vec![0; 4]), &config)
        .unwrap();
    assert!(matches!(
        reassembly.insert(Chunk::new(1, 3, 10, 2, vec![0; 4]), &config),
        Err(SyncError::ChunkOutOfBounds { .. })
    ));
    reassembly
        .insert(Chunk::new(1, 4, 10, 0, vec![0; 4]), &config)
        .unwrap();
    assert!(matches!(
        reassembly.insert(Chunk::new(1, 4, 11, 4, vec![0; 4]), &config),
        Err(SyncError::ChunkLengthMismatch { .. })
    ));
    assert_eq!(
        reassembly.buffered_bytes(),
        0,
        "refused transfers are dropped"
    );
}

#[test]
fn buffering_is_bounded() {
    let config = SyncConfig {
        max_buffered_bytes: 100,
        max_buffered_chunks: 5,
        max_partial_messages: 2,
        ..SyncConfig::default()
    };
    let mut reassembly = Reassembly::default();
    // Many partial messages: only the newest two are kept.
    for transfer in 0..10 {
        reassembly
            .insert(Chunk::new(1, transfer, 1_000, 0, vec![0; 10]), &config)
            .unwrap();
    }
    assert_eq!(reassembly.buffered_bytes(), 20);
    assert!(matches!(
        reassembly.insert(Chunk::new(1, 9, 1_000, 10, vec![0; 90]), &config),
        Err(SyncError::ReassemblyFull { what: "bytes", .. })
    ));
    for offset in 1..5 {
        reassembly
            .insert(Chunk::new(1, 8, 1_000, offset * 10, vec![0; 1]), &config)
            .unwrap();
    }
    assert!(matches!(
        reassembly.insert(Chunk::new(1, 8, 1_000, 500, vec![0; 1]), &config),
        Err(SyncError::ReassemblyFull { what: "chunks", .. })
    ));
}
