//! The digest of a run of counters in time independent of its length: every counter `c` of
//! a run contributes `weight · R^c` in the prime field of `P = 2^127 − 1`, where `weight` is
//! the hash of what the run belongs to. The sum over `first..=last` has a closed form
//! (a geometric series), so a run of four billion counters costs what a run of one does, and
//! a run split anywhere gives the same total as the whole.
//!
//! Two different sets of counters under one weight collide only if a nonzero polynomial
//! with coefficients in {−1, 0, 1} has `R` as a root: at most 2^53 roots among 2^127 field
//! elements, so never for honest divergence (this digest detects faults, it is not a MAC).

/// The field's modulus, the Mersenne prime 2^127 − 1.
const P: u128 = (1 << 127) - 1;

/// The base: a fixed field element with no structure (the first 127 bits of π's fraction).
const R: u128 = 0x243f_6a88_85a3_08d3_1319_8a2e_0370_7344 & P;

/// `R^(2^k)` for k in 0..64: a power of `R` is a product of at most 64 of them.
const SQUARES: [u128; 64] = squares();

/// The inverse of `R − 1` (Fermat: `(R − 1)^(P − 2)`).
const INVERSE_OF_BASE_MINUS_ONE: u128 = power(R - 1, P - 2);

/// `x mod P` for any `x`.
const fn reduce(x: u128) -> u128 {
    let folded = (x & P) + (x >> 127);
    if folded >= P { folded - P } else { folded }
}

/// `(a + b) mod P` for `a, b < P`.
const fn add(a: u128, b: u128) -> u128 {
    reduce(a + b)
}

/// `(a · b) mod P` for `a, b < P`, from 64-bit halves (2^128 ≡ 2).
const fn multiply(a: u128, b: u128) -> u128 {
    const LOW: u128 = u64::MAX as u128;
    let (a_low, a_high) = (a & LOW, a >> 64);
    let (b_low, b_high) = (b & LOW, b >> 64);
    let low = a_low * b_low;
    let middle = a_low * b_high + a_high * b_low;
    let high = a_high * b_high;
    // value = high·2^128 + middle·2^64 + low, with middle·2^64 = (middle >> 64)·2^128 +
    // (middle mod 2^64)·2^64.
    let mut sum = reduce(low);
    sum = add(sum, reduce((middle & LOW) << 64));
    sum = add(sum, reduce(2 * (middle >> 64)));
    add(sum, reduce(2 * high))
}

/// `base^exponent mod P`, by squaring.
const fn power(base: u128, exponent: u128) -> u128 {
    let mut result = 1;
    let mut square = base;
    let mut rest = exponent;
    while rest > 0 {
        if rest & 1 == 1 {
            result = multiply(result, square);
        }
        square = multiply(square, square);
        rest >>= 1;
    }
    result
}

const fn squares() -> [u128; 64] {
    let mut table = [0; 64];
    let mut square = R;
    let mut k = 0;
    while k < 64 {
        table[k] = square;
        square = multiply(square, square);
        k += 1;
    }
    table
}

/// `R^exponent`.
fn base_power(exponent: u64) -> u128 {
    let mut result = 1;
    let mut rest = exponent;
    let mut k = 0;
    while rest > 0 {
        if rest & 1 == 1 {
            result = multiply(result, SQUARES[k]);
        }
        rest >>= 1;
        k += 1;
    }
    result
}

/// `weight · Σ_{c = first}^{last} R^c mod P` (for `first ≤ last`).
pub(crate) fn range_value(weight: u128, first: u64, last: u64) -> u128 {
    let count = last - first + 1;
    // Σ = R^first · (R^count − 1) / (R − 1)
    let series = multiply(
        multiply(base_power(first), add(base_power(count), P - 1)),
        INVERSE_OF_BASE_MINUS_ONE,
    );
    multiply(reduce(weight), series)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_arithmetic_is_right() {
        assert_eq!(multiply(P - 1, P - 1), 1, "(−1)·(−1) = 1");
        assert_eq!(multiply(1 << 126, 2), 1, "2^127 ≡ 1");
        assert_eq!(multiply(INVERSE_OF_BASE_MINUS_ONE, R - 1), 1);
        assert_eq!(power(R, P - 1), 1, "Fermat");
        for exponent in [0, 1, 2, 3, 63, 64, 1000, u64::MAX] {
            assert_eq!(base_power(exponent), power(R, u128::from(exponent)));
        }
    }

    #[test]
    fn a_run_is_the_sum_of_its_counters_however_it_is_split() {
        let weight = 0x1234_5678_9abc_def0_0fed_cba9_8765_4321;
        let one_by_one = (5..=40).fold(0, |sum, counter| {
            add(sum, range_value(weight, counter, counter))
        });
        assert_eq!(range_value(weight, 5, 40), one_by_one);
        assert_eq!(
            add(range_value(weight, 5, 17), range_value(weight, 18, 40)),
            one_by_one
        );
        assert_ne!(range_value(weight, 5, 40), range_value(weight, 5, 39));
        // Equal sums of counters do not collide: {1, 4} against {2, 3}.
        assert_ne!(
            add(range_value(weight, 1, 1), range_value(weight, 4, 4)),
            range_value(weight, 2, 3)
        );
        // Long runs cost nothing more.
        let _ = range_value(weight, 1, crate::MAX_COUNTER);
    }
}
