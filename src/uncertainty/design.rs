//! Space-filling designs for PSA draws: scrambled Sobol points and Latin
//! hypercubes in the open unit cube, deterministic for a seed, and the
//! discrepancies that measure how evenly they fill it.
//!
//! Each design column (one per prior dimension) is generated from its own
//! seed, hashed from (master seed, column), so a column never depends on how
//! many columns were asked for, nor on threads: PSA draw i is the same
//! whether 10 or 10,000 draws run, on 1 thread or 16 (for Sobol; a Latin
//! hypercube's strata depend on n by construction).

mod discrepancy;
mod joe_kuo;
mod lhs;
mod sobol;

pub use discrepancy::{centred_l2_discrepancy_squared, wrap_around_l2_discrepancy_squared};
use serde::{Deserialize, Serialize};

/// Which design to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Design {
    /// Owen-scrambled Sobol sequence (Joe–Kuo directions, up to
    /// [`Design::SOBOL_MAX_DIMS`] dimensions and 2³² points). Best at
    /// n = 2^m, where every 1-D projection has one point per 1/n stratum.
    #[default]
    Sobol,
    /// Latin hypercube: one point per 1/n stratum in every 1-D projection,
    /// any n and any number of dimensions.
    LatinHypercube,
}

/// Why a design could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DesignError {
    /// More Sobol dimensions than the embedded direction numbers cover.
    #[error("a Sobol design has at most {max} dimensions, found {found} (use a Latin hypercube for more)")]
    TooManyDimensions {
        /// Largest number supported.
        max: usize,
        /// Number asked for.
        found: usize,
    },
    /// More Sobol points than 32-bit coordinates can index.
    #[error("a Sobol design has at most {max} points, found {found}")]
    TooManyPoints {
        /// Largest number supported.
        max: u64,
        /// Number asked for.
        found: usize,
    },
    /// points × dims does not fit in memory's address space.
    #[error("{points} points x {dims} dimensions is too large")]
    TooLarge {
        /// Points asked for.
        points: usize,
        /// Dimensions asked for.
        dims: usize,
    },
}

/// n points in d dimensions, stored row-major: row i is PSA draw i, column
/// j feeds design dimension j. Every value lies strictly inside (0, 1).
#[derive(Debug, Clone, PartialEq)]
pub struct DesignMatrix {
    points: usize,
    dims: usize,
    values: Vec<f64>,
}

impl DesignMatrix {
    /// Builds a matrix from row-major values (`values.len()` must equal
    /// `points × dims`; otherwise `None`).
    pub fn from_row_major(points: usize, dims: usize, values: Vec<f64>) -> Option<Self> {
        (points.checked_mul(dims) == Some(values.len())).then_some(DesignMatrix { points, dims, values })
    }

    /// Number of points (rows).
    pub fn points(&self) -> usize {
        self.points
    }

    /// Number of dimensions (columns).
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// Point i. Panics if i ≥ [`DesignMatrix::points`], like slice indexing.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.values[i * self.dims..(i + 1) * self.dims]
    }

    /// The points in order.
    pub fn rows(&self) -> impl Iterator<Item = &[f64]> {
        (0..self.points).map(move |i| self.row(i))
    }

    /// Column j as a vector (one value per point; empty if j ≥ dims).
    pub fn column(&self, j: usize) -> Vec<f64> {
        if j >= self.dims {
            return Vec::new();
        }
        self.values.iter().skip(j).step_by(self.dims).copied().collect()
    }

    /// All values, row-major.
    pub fn as_slice(&self) -> &[f64] {
        &self.values
    }
}

/// One step of SplitMix64 (Steele, Lea & Flood 2014). The engine has the
/// same mixer; it is repeated here so this pure library depends on nothing
/// the simulator's internals may change.
pub(crate) fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of one design column: hash of (master seed, design, column).
fn column_seed(seed: u64, design: u64, column: usize) -> u64 {
    let mut state = seed ^ design.wrapping_mul(0xD605_BBB5_8C8A_BBD3);
    let a = splitmix64(&mut state);
    let mut state = a ^ (column as u64).wrapping_mul(0xA24B_AED4_963E_E407);
    splitmix64(&mut state)
}

impl Design {
    /// Largest number of Sobol dimensions.
    pub const SOBOL_MAX_DIMS: usize = sobol::MAX_DIMS;

    /// `n` points in `dims` dimensions from `seed`.
    pub fn points(self, n: usize, dims: usize, seed: u64) -> Result<DesignMatrix, DesignError> {
        match self {
            Design::Sobol => sobol_points(n, dims, seed),
            Design::LatinHypercube => latin_hypercube(n, dims, seed),
        }
    }
}

fn checked_len(n: usize, dims: usize) -> Result<usize, DesignError> {
    n.checked_mul(dims)
        .filter(|len| *len <= isize::MAX as usize / 8)
        .ok_or(DesignError::TooLarge { points: n, dims })
}

/// The first `n` points of the Owen-scrambled Sobol sequence in `dims`
/// dimensions. The first n points of a longer run are the same points.
pub fn sobol_points(n: usize, dims: usize, seed: u64) -> Result<DesignMatrix, DesignError> {
    if dims > sobol::MAX_DIMS {
        return Err(DesignError::TooManyDimensions {
            max: sobol::MAX_DIMS,
            found: dims,
        });
    }
    if n as u64 > 1u64 << 32 {
        return Err(DesignError::TooManyPoints { max: 1 << 32, found: n });
    }
    let mut values = vec![0.0; checked_len(n, dims)?];
    for j in 0..dims {
        let v = sobol::directions(j);
        let scramble = column_seed(seed, 1, j) as u32;
        for i in 0..n {
            // i < n ≤ 2^32, so the index fits in 32 bits.
            let x = sobol::coordinate(&v, i as u32);
            values[i * dims + j] = sobol::to_unit(sobol::owen_scramble(x, scramble));
        }
    }
    Ok(DesignMatrix { points: n, dims, values })
}

/// An `n`-point Latin hypercube in `dims` dimensions.
pub fn latin_hypercube(n: usize, dims: usize, seed: u64) -> Result<DesignMatrix, DesignError> {
    let mut values = vec![0.0; checked_len(n, dims)?];
    for j in 0..dims {
        for (i, u) in lhs::column(n, column_seed(seed, 2, j)).into_iter().enumerate() {
            values[i * dims + j] = u;
        }
    }
    Ok(DesignMatrix { points: n, dims, values })
}

#[cfg(test)]
mod tests;
