//! CRC-32 (IEEE 802.3, the checksum of zlib, PNG and `crc32fast`), the checksum of frames
//! and persistence records.
//!
//! Native builds use `crc32fast` (carry-less multiplication where the CPU has it: loading a
//! 90 KB text snapshot spent about a tenth of its time in a table-driven CRC). WebAssembly
//! goes one byte per step through a 256-entry table built at compile time (1 KB):
//! `crc32fast`'s portable path, which is what WebAssembly would get, reads sixteen such tables
//! (16 KB of read-only data that gzip barely shrinks). Both give the same checksum (tested).

/// The reflected polynomial of CRC-32.
const POLYNOMIAL: u32 = 0xedb8_8320;

/// `TABLE[b]`: the CRC register after shifting the byte `b` through it.
const TABLE: [u32; 256] = {
    let mut table = [0; 256];
    let mut byte = 0;
    while byte < 256 {
        let mut register = byte as u32;
        let mut bit = 0;
        while bit < 8 {
            register = if register & 1 == 1 {
                (register >> 1) ^ POLYNOMIAL
            } else {
                register >> 1
            };
            bit += 1;
        }
        table[byte] = register;
        byte += 1;
    }
    table
};

/// The CRC-32 of `bytes`.
///
/// ```
/// assert_eq!(weft_core::codec::crc32(b"123456789"), 0xcbf4_3926);
/// ```
#[must_use]
pub fn crc32(bytes: &[u8]) -> u32 {
    #[cfg(not(target_arch = "wasm32"))]
    {
        crc32fast::hash(bytes)
    }
    #[cfg(target_arch = "wasm32")]
    {
        table_crc32(bytes)
    }
}

/// The CRC-32 of `bytes`, one byte per step through [`TABLE`].
#[cfg_attr(not(any(test, target_arch = "wasm32")), allow(dead_code))]
fn table_crc32(bytes: &[u8]) -> u32 {
    !bytes.iter().fold(!0_u32, |register, byte| {
        TABLE[usize::from((register as u8) ^ byte)] ^ (register >> 8)
    })
}

#[cfg(test)]
mod tests {
    use super::{crc32, table_crc32};

    #[test]
    fn known_values() {
        for checksum in [crc32, table_crc32] {
            assert_eq!(checksum(b""), 0);
            assert_eq!(checksum(b"a"), 0xe8b7_be43);
            assert_eq!(
                checksum(b"The quick brown fox jumps over the lazy dog"),
                0x414f_a339
            );
        }
    }

    #[test]
    fn the_table_agrees_with_the_native_checksum() {
        // Lengths around the vectorised paths' block sizes, with varied bytes.
        let bytes: Vec<u8> = (0..5000_u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for length in [
            0, 1, 15, 16, 17, 63, 64, 65, 127, 128, 129, 1000, 4096, 5000,
        ] {
            assert_eq!(
                crc32(&bytes[..length]),
                table_crc32(&bytes[..length]),
                "length {length}"
            );
        }
    }
}
