//! Time-weighted average of a piecewise-constant quantity (queue length,
//! busy servers), counted only after a given start time.

/// Integrates a step function `v(t)` from `start` onwards.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeAverage {
    start: f64,
    last_time: f64,
    value: f64,
    area: f64,
}

impl TimeAverage {
    /// Starts integrating at `start` \[minutes\] with the quantity at `value`.
    pub fn new(start: f64, value: f64) -> Self {
        TimeAverage {
            start,
            last_time: f64::NEG_INFINITY,
            value,
            area: 0.0,
        }
    }

    /// The quantity changes to `value` at `time` (times must not decrease).
    #[inline]
    pub fn set(&mut self, time: f64, value: f64) {
        self.advance(time);
        self.value = value;
    }

    /// Current value of the quantity.
    pub fn value(&self) -> f64 {
        self.value
    }

    #[inline]
    fn advance(&mut self, time: f64) {
        let from = self.last_time.max(self.start);
        if time > from {
            self.area += self.value * (time - from);
        }
        self.last_time = time;
    }

    /// Area under the step function from `start` to `time`.
    pub fn area_until(&self, time: f64) -> f64 {
        let from = self.last_time.max(self.start);
        self.area + if time > from { self.value * (time - from) } else { 0.0 }
    }

    /// Mean value over `\[start, time\]`; `None` when the window is empty.
    pub fn mean_until(&self, time: f64) -> Option<f64> {
        (time > self.start).then(|| self.area_until(time) / (time - self.start))
    }
}

/// A level (queue length, occupancy) whose time average is wanted over the
/// whole window and week by week.
#[derive(Debug, Clone, Copy)]
pub struct Level {
    integral: TimeAverage,
    /// Area at the start of the current week.
    week_mark: f64,
}

impl Level {
    /// A level at `value`, integrated from `start` (the end of warm-up).
    pub fn new(start: f64, value: f64) -> Self {
        Level {
            integral: TimeAverage::new(start, value),
            week_mark: 0.0,
        }
    }

    /// The level changes to `value` at `time`.
    #[inline]
    pub fn set(&mut self, time: f64, value: f64) {
        self.integral.set(time, value);
    }

    /// Current value.
    #[inline]
    pub fn value(&self) -> f64 {
        self.integral.value()
    }

    /// Area under the level from the start to `time` (not before the last
    /// change).
    pub fn area(&self, time: f64) -> f64 {
        self.integral.area_until(time)
    }

    /// Time average from the start to `time`.
    pub fn mean_until(&self, time: f64) -> f64 {
        self.integral.mean_until(time).unwrap_or(f64::NAN)
    }

    /// Area since the last call (or since the start), then restarts the week.
    pub fn take_week(&mut self, time: f64) -> f64 {
        let area = self.area(time);
        let delta = area - self.week_mark;
        self.week_mark = area;
        delta
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrates_only_after_start() {
        let mut ta = TimeAverage::new(10.0, 0.0);
        ta.set(0.0, 5.0); // before start: not counted
        ta.set(12.0, 1.0); // 5 over [10, 12] = 10
        ta.set(20.0, 3.0); // 1 over [12, 20] = 8
        assert_eq!(ta.area_until(30.0), 10.0 + 8.0 + 30.0);
        assert_eq!(ta.mean_until(30.0), Some(48.0 / 20.0));
    }
}
