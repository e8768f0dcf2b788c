//! LEB128 varints and zigzag encoding.

/// A varint read from the start of some bytes: the value and the bytes it took; `Err(None)`
/// if the bytes end inside it, `Err(Some(()))` if it overflows.
pub(crate) type Read<T> = Result<(T, usize), Option<()>>;

/// Appends `value` as an unsigned LEB128 varint: 7 bits per byte, low bits first, high bit
/// set on every byte but the last.
pub(crate) fn write(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads an unsigned LEB128 varint from the start of `bytes`.
/// Returns the value and the number of bytes it took, `Err(None)` if `bytes` ends inside the
/// varint, `Err(Some(()))` if it overflows 64 bits.
pub(crate) fn read(bytes: &[u8]) -> Read<u64> {
    let mut value: u64 = 0;
    for (position, byte) in bytes.iter().enumerate() {
        let payload = u64::from(byte & 0x7f);
        if position == 9 && (*byte > 1) {
            return Err(Some(()));
        }
        value |= payload << (7 * position);
        if byte & 0x80 == 0 {
            return Ok((value, position + 1));
        }
    }
    if bytes.len() >= 10 {
        Err(Some(()))
    } else {
        Err(None)
    }
}

/// Appends `value` as an unsigned LEB128 varint of up to 128 bits (19 bytes). A value that
/// fits 64 bits is written exactly as [`write`] writes it.
pub(crate) fn write_wide(out: &mut Vec<u8>, mut value: u128) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads a varint written by [`write_wide`]; errors as [`read`], overflowing past 128 bits.
pub(crate) fn read_wide(bytes: &[u8]) -> Read<u128> {
    // Up to nine bytes (63 bits), the common case, in 64-bit arithmetic: 128-bit shifts are
    // library calls on 32-bit targets such as wasm32.
    let mut narrow: u64 = 0;
    for (position, byte) in bytes.iter().take(9).enumerate() {
        narrow |= u64::from(byte & 0x7f) << (7 * position);
        if byte & 0x80 == 0 {
            return Ok((u128::from(narrow), position + 1));
        }
    }
    let mut value: u128 = 0;
    for (position, byte) in bytes.iter().enumerate() {
        let payload = u128::from(byte & 0x7f);
        if position == 18 && (*byte > 3) {
            return Err(Some(()));
        }
        value |= payload << (7 * position);
        if byte & 0x80 == 0 {
            return Ok((value, position + 1));
        }
    }
    if bytes.len() >= 19 {
        Err(Some(()))
    } else {
        Err(None)
    }
}

/// Maps signed to unsigned so that small magnitudes stay small: 0, -1, 1, -2 → 0, 1, 2, 3.
pub fn zigzag(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

/// The inverse of [`zigzag`].
pub fn unzigzag(value: u64) -> i64 {
    ((value >> 1) as i64) ^ -((value & 1) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_encodings() {
        let cases: [(u64, &[u8]); 5] = [
            (0, &[0]),
            (127, &[0x7f]),
            (128, &[0x80, 0x01]),
            (300, &[0xac, 0x02]),
            (
                u64::MAX,
                &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
            ),
        ];
        for (value, bytes) in cases {
            let mut out = Vec::new();
            write(&mut out, value);
            assert_eq!(out, bytes);
            assert_eq!(read(bytes), Ok((value, bytes.len())));
        }
    }

    #[test]
    fn wide_varints_extend_the_narrow_ones() {
        for value in [0u64, 127, 128, 300, u64::MAX] {
            let (mut narrow, mut wide) = (Vec::new(), Vec::new());
            write(&mut narrow, value);
            write_wide(&mut wide, u128::from(value));
            assert_eq!(narrow, wide);
        }
        let mut out = Vec::new();
        write_wide(&mut out, u128::MAX);
        assert_eq!(out.len(), 19);
        assert_eq!(read_wide(&out), Ok((u128::MAX, 19)));
        assert_eq!(read_wide(&out[..18]), Err(None));
        let mut over = out.clone();
        over[18] = 4;
        assert_eq!(read_wide(&over), Err(Some(())));
    }

    #[test]
    fn wide_varints_round_trip_across_the_64_bit_path() {
        // Nine bytes hold 63 bits (read in 64-bit arithmetic); ten and more take the wide path.
        for shift in [0u32, 62, 63, 64, 70, 127] {
            for value in [1u128 << shift, (1u128 << shift) - 1, (1u128 << shift) + 1] {
                let mut out = Vec::new();
                write_wide(&mut out, value);
                assert_eq!(read_wide(&out), Ok((value, out.len())), "{value}");
                assert_eq!(read_wide(&out[..out.len() - 1]), Err(None), "{value}");
            }
        }
    }

    #[test]
    fn overflow_and_truncation() {
        assert_eq!(read(&[0xff; 9]), Err(None));
        assert_eq!(read(&[0xff; 10]), Err(Some(())));
        assert_eq!(
            read(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02]),
            Err(Some(()))
        );
        assert_eq!(read(&[]), Err(None));
    }

    #[test]
    fn zigzag_round_trip() {
        for value in [0, 1, -1, 2, -2, i64::MAX, i64::MIN] {
            assert_eq!(unzigzag(zigzag(value)), value);
        }
        assert_eq!(zigzag(-1), 1);
        assert_eq!(zigzag(1), 2);
    }
}
