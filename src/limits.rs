//! Every limit on what a run may ask for, in one place: the scenario loader,
//! the queueing network and every command check against these constants
//! through these functions, so one rule gives one message wherever it is
//! broken.
//!
//! The checks return only the rule broken ("must be between 1 and 10000,
//! found 0"); the caller says where (`--reps: …`, or the scenario file, line
//! and key). A leaf: it imports nothing of the crate.

/// Most replications per arm \[replications\]: `--reps` and a scenario's
/// `replications`, pathway or network. Ten thousand already gives CIs far
/// narrower than any input's uncertainty.
pub const MAX_REPLICATIONS: u64 = 10_000;

/// Most worker threads \[threads\] (`--threads`, every command).
pub const MAX_THREADS: usize = 1024;

/// Most episodes traced per arm and replication \[episodes\] (`--journeys`,
/// `report.journeys`): `journeys.csv` grows with this times arms times
/// replications.
pub const MAX_JOURNEYS: u32 = 100_000;

/// Largest registered list \[patients\] (`population.list_size`): a large
/// integrated care board.
pub const MAX_LIST_SIZE: u64 = 5_000_000;

/// Largest scenario or ranges file read \[bytes\]. Real scenarios are a few
/// KiB; a bigger file is a mistake, not a scenario.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Events between two looks at the cancel flag \[events\]: a replication of
/// the default scenario handles 4096 events in well under a millisecond, so
/// a cancelled run stops promptly, and one relaxed load per 4096 events
/// costs nothing measurable. Used by the pathway model and the network.
pub const CANCEL_CHECK_EVENTS: u64 = 4096;

/// A value outside its limit. Nothing was changed by the check: the caller
/// may correct the value and check again.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    /// A count outside `min..=max`.
    #[error("must be between {min} and {max}{unit}, found {found}")]
    OutOfRange {
        /// Smallest allowed.
        min: u64,
        /// Largest allowed.
        max: u64,
        /// What is counted, with a leading space (`" patients"`), or empty.
        unit: &'static str,
        /// The value asked for (signed: a scenario may write `-3`).
        found: i128,
    },
    /// A count above `max` (zero allowed).
    #[error("must be at most {max}{unit}, found {found}")]
    TooMany {
        /// Largest allowed.
        max: u64,
        /// What is counted, with a leading space, or empty.
        unit: &'static str,
        /// The value asked for.
        found: i128,
    },
    /// A file larger than [`MAX_FILE_BYTES`].
    #[error("file is {found} bytes; scenario files are limited to {max} bytes")]
    FileTooLarge {
        /// Size of the file \[bytes\].
        found: u64,
        /// [`MAX_FILE_BYTES`].
        max: u64,
    },
}

fn in_range(found: i128, min: u64, max: u64, unit: &'static str) -> Result<u64, LimitError> {
    if found < i128::from(min) || found > i128::from(max) {
        return Err(LimitError::OutOfRange { min, max, unit, found });
    }
    // In range, so it fits.
    Ok(found as u64)
}

/// Replications per arm, 1 to [`MAX_REPLICATIONS`].
pub fn replications(found: impl Into<i128>) -> Result<u64, LimitError> {
    in_range(found.into(), 1, MAX_REPLICATIONS, "")
}

/// Worker threads, 1 to [`MAX_THREADS`].
pub fn threads(found: usize) -> Result<usize, LimitError> {
    in_range(found as i128, 1, MAX_THREADS as u64, "").map(|t| t as usize)
}

/// The thread count when none is asked for: every core the system offers
/// (`cores`), at most [`MAX_THREADS`].
pub fn default_threads(cores: usize) -> usize {
    cores.clamp(1, MAX_THREADS)
}

/// Episodes traced per arm and replication, 0 to [`MAX_JOURNEYS`].
pub fn journeys(found: u32) -> Result<u32, LimitError> {
    if found > MAX_JOURNEYS {
        return Err(LimitError::TooMany {
            max: u64::from(MAX_JOURNEYS),
            unit: " episodes",
            found: i128::from(found),
        });
    }
    Ok(found)
}

/// Registered patients, 1 to [`MAX_LIST_SIZE`].
pub fn list_size(found: u64) -> Result<u64, LimitError> {
    in_range(i128::from(found), 1, MAX_LIST_SIZE, " patients (a large ICB)")
}

/// A file's size \[bytes\], at most [`MAX_FILE_BYTES`].
pub fn file_size(found: u64) -> Result<(), LimitError> {
    if found > MAX_FILE_BYTES {
        return Err(LimitError::FileTooLarge {
            found,
            max: MAX_FILE_BYTES,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_are_inside_and_one_past_is_refused() {
        assert_eq!(replications(1u64), Ok(1));
        assert_eq!(replications(10_000i64), Ok(10_000));
        assert_eq!(replications(0u64).unwrap_err().to_string(), "must be between 1 and 10000, found 0");
        assert_eq!(
            replications(-3i64).unwrap_err().to_string(),
            "must be between 1 and 10000, found -3"
        );
        assert!(replications(10_001u64).is_err());
        assert_eq!(threads(1024), Ok(1024));
        assert_eq!(threads(0).unwrap_err().to_string(), "must be between 1 and 1024, found 0");
        assert!(threads(1025).is_err());
        assert_eq!(journeys(0), Ok(0));
        assert_eq!(
            journeys(100_001).unwrap_err().to_string(),
            "must be at most 100000 episodes, found 100001"
        );
        assert_eq!(
            list_size(0).unwrap_err().to_string(),
            "must be between 1 and 5000000 patients (a large ICB), found 0"
        );
        assert!(file_size(MAX_FILE_BYTES).is_ok());
        assert!(file_size(MAX_FILE_BYTES + 1).is_err());
    }

    #[test]
    fn the_default_thread_count_is_always_allowed() {
        assert_eq!(default_threads(0), 1);
        assert_eq!(default_threads(8), 8);
        assert_eq!(default_threads(100_000), MAX_THREADS);
    }
}
