//! CRC-32 (IEEE 802.3, the checksum of zlib, PNG and `crc32fast`), the checksum of frames
//! and persistence records.
//!
//! One byte per step through a 256-entry table built at compile time (1 KB). `crc32fast`'s
//! portable path, which is what WebAssembly gets, reads sixteen such tables (16 KB of
//! read-only data that gzip barely shrinks) to go faster on long inputs; the checksums here
//! cover one frame or record at a time, so the small table is the better trade.

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
    !bytes.iter().fold(!0_u32, |register, byte| {
        TABLE[usize::from((register as u8) ^ byte)] ^ (register >> 8)
    })
}

#[cfg(test)]
mod tests {
    use super::crc32;

    #[test]
    fn known_values() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"a"), 0xe8b7_be43);
        assert_eq!(
            crc32(b"The quick brown fox jumps over the lazy dog"),
            0x414f_a339
        );
    }
}
