//! `Encode`/`Decode` for the standard types used as set elements, map keys and register values.

use crate::codec::{Decode, Decoder, Encode, Encoder};
use crate::error::DecodeError;
use crate::ids::ReplicaId;

macro_rules! unsigned {
    ($($ty:ty),*) => {$(
        impl Encode for $ty {
            fn encode(&self, out: &mut Encoder) {
                out.varint(u64::from(*self));
            }
        }
        impl Decode for $ty {
            fn decode(input: &mut Decoder<'_>) -> Result<Self, DecodeError> {
                let offset = input.position();
                let value = input.varint()?;
                <$ty>::try_from(value).map_err(|_| input.invalid(stringify!($ty), value, offset))
            }
        }
    )*};
}

macro_rules! signed {
    ($($ty:ty),*) => {$(
        impl Encode for $ty {
            fn encode(&self, out: &mut Encoder) {
                out.signed(i64::from(*self));
            }
        }
        impl Decode for $ty {
            fn decode(input: &mut Decoder<'_>) -> Result<Self, DecodeError> {
                let offset = input.position();
                let value = input.signed()?;
                <$ty>::try_from(value)
                    .map_err(|_| input.invalid(stringify!($ty), value as u64, offset))
            }
        }
    )*};
}

unsigned!(u8, u16, u32, u64);
signed!(i8, i16, i32, i64);

impl Encode for bool {
    fn encode(&self, out: &mut Encoder) {
        out.u8(u8::from(*self));
    }
}

impl Decode for bool {
    fn decode(input: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let offset = input.position();
        match input.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(input.invalid("bool", u64::from(other), offset)),
        }
    }
}

impl Encode for () {
    fn encode(&self, _out: &mut Encoder) {}
}

impl Decode for () {
    const MIN_ENCODED_LEN: usize = 0;

    fn decode(_input: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        Ok(())
    }
}

impl Encode for String {
    fn encode(&self, out: &mut Encoder) {
        out.str(self);
    }
}

impl Encode for str {
    fn encode(&self, out: &mut Encoder) {
        out.str(self);
    }
}

impl Decode for String {
    fn decode(input: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        input.str().map(str::to_owned)
    }
}

impl Encode for f64 {
    fn encode(&self, out: &mut Encoder) {
        out.raw(&self.to_le_bytes());
    }
}

impl Decode for f64 {
    const MIN_ENCODED_LEN: usize = 8;

    fn decode(input: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        input.array::<8>().map(f64::from_le_bytes)
    }
}

impl Encode for ReplicaId {
    fn encode(&self, out: &mut Encoder) {
        out.raw(&ReplicaId::to_bytes(*self));
    }
}

impl Decode for ReplicaId {
    const MIN_ENCODED_LEN: usize = 16;

    fn decode(input: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        input.array::<16>().map(ReplicaId::from_bytes)
    }
}

impl<T: Encode> Encode for Option<T> {
    fn encode(&self, out: &mut Encoder) {
        match self {
            None => out.u8(0),
            Some(value) => {
                out.u8(1);
                value.encode(out);
            }
        }
    }
}

impl<T: Decode> Decode for Option<T> {
    fn decode(input: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let offset = input.position();
        match input.u8()? {
            0 => Ok(None),
            1 => input.nested(T::decode).map(Some),
            other => Err(input.invalid("option tag", u64::from(other), offset)),
        }
    }
}

impl<T: Encode> Encode for Vec<T> {
    fn encode(&self, out: &mut Encoder) {
        out.length(self.len());
        for item in self {
            item.encode(out);
        }
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(input: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let count = input.length(T::MIN_ENCODED_LEN)?;
        let mut items = Vec::with_capacity(super::reservation::<T>(count));
        for _ in 0..count {
            items.push(input.nested(T::decode)?);
        }
        Ok(items)
    }
}

impl<A: Encode, B: Encode> Encode for (A, B) {
    fn encode(&self, out: &mut Encoder) {
        self.0.encode(out);
        self.1.encode(out);
    }
}

impl<A: Decode, B: Decode> Decode for (A, B) {
    const MIN_ENCODED_LEN: usize = A::MIN_ENCODED_LEN + B::MIN_ENCODED_LEN;

    fn decode(input: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        Ok((A::decode(input)?, B::decode(input)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let value = (
            vec![Some(-5i64), None, Some(i64::MIN)],
            (String::from("héllo"), true),
        );
        let bytes = value.encode_to_vec();
        assert_eq!(
            <(Vec<Option<i64>>, (String, bool))>::decode_exact(&bytes),
            Ok(value)
        );
    }

    #[test]
    fn narrow_integers_refuse_wide_values() {
        let bytes = 300u64.encode_to_vec();
        assert!(matches!(
            u8::decode_exact(&bytes),
            Err(DecodeError::InvalidValue {
                what: "u8",
                value: 300,
                ..
            })
        ));
    }

    #[test]
    fn huge_vector_length_is_refused_before_allocation() {
        let mut out = Encoder::new();
        out.varint(u64::MAX >> 1);
        assert!(matches!(
            Vec::<u64>::decode_exact(out.as_bytes()),
            Err(DecodeError::LengthTooLarge { .. })
        ));
    }

    #[test]
    fn invalid_utf8_is_typed() {
        assert!(matches!(
            String::decode_exact(&[2, 0xc3, 0x28]),
            Err(DecodeError::InvalidUtf8 { offset: 0 })
        ));
    }
}
