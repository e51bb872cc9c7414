//! An arm's weekly series reduced over replications as they finish: one
//! mergeable [`Quantiles`] per series and week, giving the mean and the
//! 5th/95th percentiles of `timeseries.csv` and the charts.

use crate::model::metrics::Weekly;
use crate::stats::Quantiles;

/// Mean and percentiles over replications of every weekly series of one
/// arm. Memory is bounded by the series × weeks and
/// [`crate::stats::EXACT_LIMIT`], not by the replications.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WeeklySummary {
    /// Series names, in output order (empty until a replication is added).
    pub names: Vec<String>,
    /// Weeks in the statistics window.
    pub weeks: usize,
    /// `cells[series * weeks + week]`.
    cells: Vec<Quantiles>,
}

/// One week of one series over replications (NaN where no replication
/// defined it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeekStat {
    /// Mean over replications.
    pub mean: f64,
    /// 5th percentile over replications.
    pub p05: f64,
    /// 95th percentile over replications.
    pub p95: f64,
}

impl WeeklySummary {
    /// No replications yet.
    pub fn new() -> WeeklySummary {
        WeeklySummary::default()
    }

    /// Adds one replication's series. The first fixes the names and weeks;
    /// a series or week the first lacked is ignored.
    pub fn add(&mut self, weekly: &Weekly) {
        let weeks = weekly.values.first().map_or(0, Vec::len);
        if self.names.is_empty() {
            self.names = weekly.names.clone();
            self.weeks = weeks;
            self.cells = vec![Quantiles::new(); self.names.len() * weeks];
        }
        for (s, values) in weekly.values.iter().enumerate().take(self.names.len()) {
            for (w, &v) in values.iter().enumerate().take(self.weeks) {
                self.cells[s * self.weeks + w].add(v);
            }
        }
    }

    /// Adds `other`'s replications after this one's.
    pub fn merge(&mut self, other: &WeeklySummary) {
        if self.names.is_empty() {
            *self = other.clone();
            return;
        }
        if other.names.len() != self.names.len() || other.weeks != self.weeks {
            // Shapes differ only when one side had no replication; a
            // result is never merged with another scenario's.
            return;
        }
        for (mine, theirs) in self.cells.iter_mut().zip(&other.cells) {
            mine.merge(theirs);
        }
    }

    /// The mean and percentiles of series `series` in week `week`
    /// (0-based).
    pub fn stat(&self, series: usize, week: usize) -> WeekStat {
        let (mean, [p05, p95]) = self.cells[series * self.weeks + week].describe([0.05, 0.95]);
        WeekStat { mean, p05, p95 }
    }
}

/// The names, weeks and every cell's exact state, for partial results
/// merged elsewhere ([`crate::distributed`]).
impl crate::codec::Encode for WeeklySummary {
    fn encode(&self, w: &mut crate::codec::Writer) {
        w.seq(&self.names);
        w.len(self.weeks);
        w.seq(&self.cells);
    }
}

impl crate::codec::Decode for WeeklySummary {
    const MIN_BYTES: usize = 24;
    fn decode(r: &mut crate::codec::Reader) -> Result<Self, crate::codec::DecodeError> {
        let names: Vec<String> = r.seq()?;
        let weeks = r.usize()?;
        let cells: Vec<Quantiles> = r.seq()?;
        if Some(cells.len()) != names.len().checked_mul(weeks) {
            return Err(crate::codec::DecodeError("weekly series: cells do not match series × weeks".into()));
        }
        Ok(WeeklySummary { names, weeks, cells })
    }
}
