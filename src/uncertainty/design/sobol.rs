//! The scrambled Sobol sequence: Joe–Kuo direction numbers, points in
//! natural (binary) order, each coordinate Owen-scrambled by a seeded hash.

use super::joe_kuo::JOE_KUO;

/// Dimensions available (1 + the rows of the Joe–Kuo table).
pub const MAX_DIMS: usize = JOE_KUO.len() + 1;

/// Bits of resolution per coordinate; also caps the sequence at 2³² points.
const BITS: usize = 32;

/// The 32 direction numbers v₁…v₃₂ of dimension `dim` (0-based), as
/// fractions scaled by 2³², from the recurrence
/// v_k = v_{k−s} ⊕ (v_{k−s} ≫ s) ⊕ ⊕_{l<s} a_l v_{k−l} (Bratley & Fox 1988).
pub(super) fn directions(dim: usize) -> [u32; BITS] {
    let mut v = [0u32; BITS];
    if dim == 0 {
        for (k, vk) in v.iter_mut().enumerate() {
            *vk = 1 << (BITS - 1 - k);
        }
        return v;
    }
    let (s, a, m) = JOE_KUO[dim - 1];
    let s = s as usize;
    for k in 0..BITS {
        v[k] = if k < s {
            m[k] << (BITS - 1 - k)
        } else {
            let mut x = v[k - s] ^ (v[k - s] >> s);
            for l in 1..s {
                if (a >> (s - 1 - l)) & 1 == 1 {
                    x ^= v[k - l];
                }
            }
            x
        };
    }
    v
}

/// Laine–Karras style hash: every operation only lets a bit depend on the
/// bits *below* it (adding, and xoring with a multiple by an even constant).
/// Applied to bit-reversed coordinates, each digit is thus flipped by a
/// function of the digits above it — Owen's nested uniform scramble in
/// structure — which keeps the (t, m, s)-net property. Constants from
/// Burley (2020), "Practical hash-based Owen scrambling".
fn laine_karras(mut x: u32, seed: u32) -> u32 {
    x = x.wrapping_add(seed);
    x ^= x.wrapping_mul(0x6c50_b47c);
    x ^= x.wrapping_mul(0xb82f_1e52);
    x ^= x.wrapping_mul(0xc7af_e638);
    x ^= x.wrapping_mul(0x8d22_f6e6);
    x
}

/// Owen-scrambles a 32-bit coordinate with a per-dimension seed.
pub(super) fn owen_scramble(x: u32, seed: u32) -> u32 {
    laine_karras(x.reverse_bits(), seed).reverse_bits()
}

/// Unscrambled coordinate `dim` of point `index` (natural order: the XOR of
/// the direction numbers of the set bits of the index).
pub(super) fn coordinate(v: &[u32; BITS], index: u32) -> u32 {
    let mut x = 0u32;
    let mut i = index;
    let mut k = 0;
    while i != 0 {
        if i & 1 == 1 {
            x ^= v[k];
        }
        i >>= 1;
        k += 1;
    }
    x
}

/// Maps a 32-bit coordinate to the centre of its cell, strictly inside (0, 1).
pub(super) fn to_unit(x: u32) -> f64 {
    (f64::from(x) + 0.5) / 4_294_967_296.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Multiplies polynomials over GF(2) modulo `p` (bit i = coefficient of x^i).
    fn mulmod(a: u64, b: u64, p: u64, deg: u32) -> u64 {
        let mut r = 0u64;
        let mut a = a;
        let mut b = b;
        while b != 0 {
            if b & 1 == 1 {
                r ^= a;
            }
            b >>= 1;
            a <<= 1;
            if a >> deg & 1 == 1 {
                a ^= p;
            }
        }
        r
    }

    fn x_pow(e: u64, p: u64, deg: u32) -> u64 {
        let (mut result, mut base, mut e) = (1u64, 2u64, e);
        if deg == 1 {
            base = 1 & p; // x ≡ 1 mod (x + 1)
        }
        while e != 0 {
            if e & 1 == 1 {
                result = mulmod(result, base, p, deg);
            }
            base = mulmod(base, base, p, deg);
            e >>= 1;
        }
        result
    }

    fn prime_factors(mut n: u64) -> Vec<u64> {
        let mut out = Vec::new();
        let mut f = 2;
        while f * f <= n {
            if n % f == 0 {
                out.push(f);
                while n % f == 0 {
                    n /= f;
                }
            }
            f += 1;
        }
        if n > 1 {
            out.push(n);
        }
        out
    }

    /// A transcription error in the table would almost surely break one of
    /// these: each polynomial is primitive over GF(2) (x has order 2^s − 1
    /// modulo it) and appears once; each m_k is odd and below 2^k.
    #[test]
    fn joe_kuo_table_is_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for (row, &(s, a, m)) in JOE_KUO.iter().enumerate() {
            assert_eq!(m.len(), s as usize, "row {row}");
            assert!(a < 1 << (s.max(1) - 1) || s == 1, "row {row}");
            for (k, &mk) in m.iter().enumerate() {
                assert!(mk % 2 == 1 && mk < 1 << (k + 1), "row {row}: m_{} = {mk}", k + 1);
            }
            let p: u64 = (1u64 << s) | (u64::from(a) << 1) | 1;
            assert!(seen.insert(p), "row {row}: polynomial repeated");
            let order = (1u64 << s) - 1;
            if s > 1 {
                assert_eq!(x_pow(order, p, s), 1, "row {row}: x^(2^s-1) != 1");
                for q in prime_factors(order) {
                    assert_ne!(x_pow(order / q, p, s), 1, "row {row}: not primitive");
                }
            }
        }
        // Degrees never decrease, and the first rows match the published file.
        assert!(JOE_KUO.windows(2).all(|w| w[0].0 <= w[1].0));
        assert_eq!(JOE_KUO[8], (5, 7, &[1u32, 1, 7, 11, 19][..]));
        assert_eq!(JOE_KUO[30], (7, 42, &[1u32, 3, 7, 3, 13, 59, 17][..]));
    }

    /// The unscrambled sequence's first points in dimensions 1–3 (natural
    /// order; SciPy lists the same points in Gray-code order: [0.75, 0.25,
    /// 0.25] second, [0.25, 0.75, 0.75] third, [0.375, 0.375, 0.625] fifth).
    #[test]
    fn first_points_are_the_textbook_ones() {
        let want = [
            [0.0, 0.0, 0.0],
            [0.5, 0.5, 0.5],
            [0.25, 0.75, 0.75],
            [0.75, 0.25, 0.25],
            [0.125, 0.625, 0.375],
        ];
        for (i, w) in want.iter().enumerate() {
            for (d, &wd) in w.iter().enumerate() {
                let x = coordinate(&directions(d), i as u32);
                assert_eq!(f64::from(x) / 4_294_967_296.0, wd, "point {i} dim {d}");
            }
        }
    }

    /// Dimensions 1 and 2 form a (0, m, 2)-net: every elementary box of
    /// area 2^-m holds exactly one of the first 2^m points, scrambled or not.
    #[test]
    fn first_two_dimensions_form_a_zero_net() {
        let m = 8;
        let n = 1u32 << m;
        let (v0, v1) = (directions(0), directions(1));
        for seed in [None, Some((12_345u32, 678u32))] {
            for a in 0..=m {
                let mut cells = vec![0u32; n as usize];
                for i in 0..n {
                    let (mut x, mut y) = (coordinate(&v0, i), coordinate(&v1, i));
                    if let Some((s0, s1)) = seed {
                        x = owen_scramble(x, s0);
                        y = owen_scramble(y, s1);
                    }
                    let cx = x.checked_shr(32 - a).unwrap_or(0) as usize;
                    let cy = y.checked_shr(32 - (m - a)).unwrap_or(0) as usize;
                    let cell = (cx << (m - a)) | cy;
                    cells[cell] += 1;
                }
                assert!(cells.iter().all(|&c| c == 1), "boxes 2^-{a} x 2^-{} (seed {seed:?})", m - a);
            }
        }
    }
}
