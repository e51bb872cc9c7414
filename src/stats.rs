//! Streaming, mergeable statistics and confidence intervals.
//!
//! Every accumulator here can be merged, so per-replication or per-thread
//! results are reduced without locks and without keeping event logs.

mod exact_sum;
mod quantiles;
pub mod sketch;
pub mod special;
mod student_t;
mod summary;
mod time_average;
pub mod warmup;

pub use exact_sum::ExactSum;
pub use quantiles::{quantile_error_bound, quantile_sorted, Quantiles, EXACT_LIMIT};
pub use student_t::{student_t_cdf, student_t_quantile};
pub use summary::{ConfidenceInterval, Summary};
pub use time_average::{Level, TimeAverage};
