//! Streaming, mergeable statistics and confidence intervals.
//!
//! Every accumulator here can be merged, so per-replication or per-thread
//! results are reduced without locks and without keeping event logs.

pub mod special;
mod student_t;
mod summary;
mod time_average;
pub mod warmup;

pub use student_t::{student_t_cdf, student_t_quantile};
pub use summary::{ConfidenceInterval, Summary};
pub use time_average::{Level, TimeAverage};
