//! Exogenous demand: the registered list with heavy-tailed personal contact
//! rates, each day's arrivals shaped by weekday, hour and month, and the
//! new episodes they bring (always the same draws, so every arm sees the
//! same patients with the same needs).

use super::groups::{Demographics, GroupTable};
use super::journey::Reason;
use super::metrics::Counter;
use super::{Ev, Model, Place};
use crate::engine::calendar::MINUTES_PER_DAY;
use crate::engine::slot_sort::sort_by_slot;
use crate::engine::{Categorical, SimRng};
use crate::scenario::Scenario;
use rand::Rng;
use rand_distr::{Distribution, Gamma, Poisson};

/// One registered patient.
#[derive(Debug, Clone, Copy)]
pub struct Patient {
    /// Multiplier on the patient's future contacts (social prescribing can
    /// lower it); exogenous episodes are thinned by it.
    pub contact_factor: f32,
    /// Trust in the practice's signposting: multiplies acceptance; each
    /// bounce lowers it.
    pub trust: f32,
    /// Rural, with transport barriers.
    pub rural: bool,
    /// The patient's practice (index into the scenario's practices; 0
    /// without a practice list).
    pub practice: u8,
    /// The patient's group cell ([`super::groups`]); 0 with no groups.
    pub cell: u16,
    /// Multiplier on the patient's uptake of the online request route
    /// \[factor\], from their groups' `online_uptake`; 1.0 with no groups.
    pub online_uptake: f32,
}

/// One new episode's arrival, drawn whole at the start of its day.
#[derive(Debug, Clone, Copy)]
pub struct Arrival {
    /// When it reaches the practice \[minutes\].
    pub time: f64,
    /// The uniform that thins (or duplicates) it by the patient's contact
    /// factor, which is read when it arrives.
    pub u_thin: f64,
    /// Who.
    pub patient: u32,
    /// Which need.
    pub need: u16,
}

/// The arrivals of a run of days, drawn once and shared by every arm
/// launched from one warm state: under common random numbers (and with
/// the population, needs and calendar that [`super::fork_blocker`] keeps
/// equal) every arm would draw exactly these.
#[derive(Debug, Clone)]
pub struct ArrivalPlan {
    /// The first day planned.
    first_day: usize,
    /// `arrivals[offsets[i]..offsets[i + 1]]` are day `first_day + i`'s.
    offsets: Vec<usize>,
    arrivals: Vec<Arrival>,
}

impl ArrivalPlan {
    /// Draws days `first_day..days` from `pop` (its carried demand) and
    /// `rng` as they stand: copies, so the model itself is untouched.
    pub fn draw(s: &Scenario, pop: &Population, rng: &SimRng, first_day: usize, days: usize) -> Self {
        let (mut pop, mut rng) = (pop.clone(), rng.clone());
        let (mut times, mut day) = (Vec::new(), Vec::new());
        let mut plan = ArrivalPlan {
            first_day,
            offsets: vec![0],
            arrivals: Vec::new(),
        };
        for d in first_day..days {
            pop.draw_day(s, d, &mut rng, &mut times, &mut day);
            plan.arrivals.extend_from_slice(&day);
            plan.offsets.push(plan.arrivals.len());
        }
        plan
    }

    /// Day `day`'s arrivals, if it is planned.
    pub fn day(&self, day: usize) -> Option<&[Arrival]> {
        let i = day.checked_sub(self.first_day)?;
        let (from, to) = (*self.offsets.get(i)?, *self.offsets.get(i + 1)?);
        Some(&self.arrivals[from..to])
    }
}

/// Walker/Vose alias table: O(1) sampling of a patient in proportion to
/// their personal contact rate.
#[derive(Debug, Clone)]
pub struct AliasTable {
    /// Per column: (probability of keeping the column, its alias). Kept
    /// side by side so that a draw over a large list touches one cache
    /// line, not two.
    columns: Vec<(f64, u32)>,
    /// The number of columns as `f64`, converted once rather than on
    /// every draw (a 64-bit unsigned conversion is a dozen instructions
    /// on x86-64).
    width: f64,
}

impl AliasTable {
    /// Builds the table from non-negative weights (not all zero).
    pub fn new(weights: &[f64]) -> Self {
        let n = weights.len();
        let total: f64 = weights.iter().sum();
        let mut scaled: Vec<f64> = weights.iter().map(|w| w * n as f64 / total).collect();
        let mut columns: Vec<(f64, u32)> = (0..n as u32).map(|i| (1.0, i)).collect();
        let (mut small, mut large): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| scaled[i] < 1.0);
        while let (Some(s), Some(&l)) = (small.pop(), large.last()) {
            columns[s] = (scaled[s], l as u32);
            scaled[l] -= 1.0 - scaled[s];
            if scaled[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        AliasTable { columns, width: n as f64 }
    }

    /// Draws an index from two uniforms in [0, 1).
    #[inline]
    pub fn sample(&self, u_column: f64, u_coin: f64) -> usize {
        self.pick(self.column(u_column), u_coin)
    }

    /// The column a first uniform in [0, 1) selects; [`AliasTable::pick`]
    /// then completes the draw ([`AliasTable::sample`] in two steps).
    #[inline]
    pub fn column(&self, u_column: f64) -> usize {
        // Through `u32` (every index fits: the aliases are `u32`), whose
        // saturating conversion is a third of `usize`'s and floors alike.
        ((u_column * self.width) as u32 as usize).min(self.columns.len() - 1)
    }

    /// The index drawn from `column` with the coin's uniform in [0, 1).
    #[inline]
    pub fn pick(&self, column: usize, u_coin: f64) -> usize {
        let (keep, alias) = self.columns[column];
        if u_coin < keep {
            column
        } else {
            alias as usize
        }
    }
}

/// The registered list: traits and the sampler of who contacts next.
#[derive(Clone)]
pub struct Population {
    /// Every patient.
    pub patients: Vec<Patient>,
    /// Sampler by personal contact rate.
    pub by_rate: AliasTable,
    /// Need index chosen by share.
    pub need_choice: Categorical<usize>,
    /// Demand carried from closed days to the next open day \[episodes\].
    carry: f64,
    /// The list's population groups, per cell.
    pub groups: GroupTable,
    /// Scratch: a day's need uniforms, kept for the group need mix.
    u_needs: Vec<f64>,
    /// Scratch of the arrival times' sort.
    sort_scratch: Vec<f64>,
    sort_counts: Vec<u32>,
    /// The slot sort's span: the minute of the day the earliest hour block
    /// starts \[minutes\] and the whole minutes from it to the latest
    /// block's end, so that no slot outside the blocks is counted.
    sort_span: (f64, usize),
}

impl Population {
    /// Draws the list's traits from the patients stream.
    pub fn new(s: &Scenario, rng: &mut SimRng) -> Self {
        let p = &s.raw.population;
        let shape = p.contact_rate_shape;
        let gamma = Gamma::new(shape, 1.0 / shape).expect("validated: shape > 0");
        let n = p.list_size as usize;
        let mut weights = Vec::with_capacity(n);
        let mut patients = Vec::with_capacity(n);
        // Practices hold consecutive stretches of the list (patients are
        // drawn alike, so which stretch is which does not matter), and no
        // extra draw is made: without a practice list, the one practice
        // holds everyone with the PCN's rural share.
        for (practice, prepared) in s.practices.list.iter().enumerate() {
            for _ in 0..prepared.list_size {
                weights.push(gamma.sample(rng).max(1e-12));
                patients.push(Patient {
                    contact_factor: 1.0,
                    trust: 1.0,
                    rural: rng.random::<f64>() < prepared.rural_share,
                    practice: practice as u8,
                    cell: 0,
                    online_uptake: 1.0,
                });
            }
        }
        debug_assert_eq!(patients.len(), n, "validated: the practices' lists add up to the PCN's");
        let groups = GroupTable::new(s);
        if groups.configured() {
            // After every draw above, so those stay as without groups.
            for (patient, weight) in patients.iter_mut().zip(&mut weights) {
                patient.cell = groups.draw_cell(rng);
                let effects = &groups.cells[usize::from(patient.cell)];
                patient.online_uptake = effects.online_uptake as f32;
                *weight *= effects.contact_rate;
            }
        }
        let need_choice = Categorical::cumulative(s.raw.needs.iter().map(|need| need.share).enumerate());
        let first = s.hour_blocks.iter().map(|b| b.0).fold(f64::INFINITY, f64::min);
        let last = s.hour_blocks.iter().map(|b| b.1).fold(first, f64::max);
        Population {
            patients,
            by_rate: AliasTable::new(&weights),
            need_choice,
            carry: 0.0,
            groups,
            u_needs: Vec::new(),
            sort_scratch: Vec::new(),
            sort_counts: Vec::new(),
            sort_span: (first, (last - first) as usize + 1),
        }
    }

    /// Patient `patient`'s age band, sex and deprivation quintile; `None`
    /// when the scenario has no population groups.
    pub fn demographics(&self, patient: u32) -> Option<Demographics> {
        self.groups.demographics(usize::from(self.patients[patient as usize].cell))
    }

    /// Day `day`'s arrivals, in time order, into `out` (`times` is
    /// scratch): their times, then for each the four draws an arrival has
    /// always made (patient column and coin, need, thinning), in the same
    /// order from the same stream. No other draw comes from the arrivals
    /// stream between a day's start and its last arrival, so drawing them
    /// here instead of as each arrives changes no number.
    ///
    /// The alias table is read in a second loop, after all the draws: a
    /// loop of loads alone keeps many of its cache misses in flight, where
    /// one that also ran the generator stalled on each in turn.
    pub fn draw_day(&mut self, s: &Scenario, day: usize, rng: &mut SimRng, times: &mut Vec<f64>, out: &mut Vec<Arrival>) {
        self.day_arrivals(s, day, rng, times);
        out.clear();
        // The month's own mix of needs, where needs have seasons of their own.
        let month = s.calendar.month(day);
        let grouped = self.groups.configured();
        self.u_needs.clear();
        for time in times.iter_mut() {
            let (u_col, u_coin, u_need, u_thin): (f64, f64, f64, f64) = (rng.random(), rng.random(), rng.random(), rng.random());
            out.push(Arrival {
                time: *time,
                u_thin,
                patient: self.by_rate.column(u_col) as u32,
                need: self.need_for(s, month, u_need) as u16,
            });
            if grouped {
                self.u_needs.push(u_need);
            }
            // The time is in `out` now: keep the coin in its place.
            *time = u_coin;
        }
        for (a, &u_coin) in out.iter_mut().zip(times.iter()) {
            a.patient = self.by_rate.pick(a.patient as usize, u_coin) as u32;
        }
        if grouped {
            // The patient's groups change the need mix: the same uniform,
            // read through their cell's table.
            for (a, &u_need) in out.iter_mut().zip(&self.u_needs) {
                let cell = usize::from(self.patients[a.patient as usize].cell);
                if let Some(choice) = &self.groups.cells[cell].need_choice {
                    a.need = choice.sample(u_need).expect("a mix with weight") as u16;
                }
            }
        }
    }

    /// Touches the patients of `arrivals`, so that their cache misses
    /// overlap here, in one tight loop, instead of stalling each arrival in
    /// turn (about a fifth of a run before, issue #12). Reads only.
    pub fn touch(&self, arrivals: &[Arrival]) {
        let touched: f32 = arrivals.iter().map(|a| self.patients[a.patient as usize].contact_factor).sum();
        std::hint::black_box(touched);
    }

    /// Index of the need for a uniform draw in month `month` (0 =
    /// January): the month's own mix where needs have seasons, else the
    /// scenario's shares.
    #[inline]
    pub fn need_for(&self, s: &Scenario, month: usize, u: f64) -> usize {
        let mix = s.need_mix_by_month.get(month).unwrap_or(&self.need_choice);
        mix.sample(u).expect("validated: a need with a share")
    }

    /// Arrival times \[minutes\] of the new episodes on `day`, sorted. Demand
    /// expected on a closed day is carried to the next open day.
    pub fn day_arrivals(&mut self, s: &Scenario, day: usize, rng: &mut SimRng, out: &mut Vec<f64>) {
        out.clear();
        let p = &s.raw.population;
        let cal = &s.calendar;
        let weekly = p.list_size as f64 * p.contacts_per_patient_year * 7.0 / 365.25;
        let expected = weekly * s.weekday_weights[cal.weekday(day)] * s.month_multipliers[cal.month(day)];
        if !cal.is_open(day) {
            self.carry += expected;
            return;
        }
        let mean = expected + std::mem::take(&mut self.carry);
        if mean <= 0.0 {
            return;
        }
        let count = Poisson::new(mean).map_or(0.0, |d| d.sample(rng)) as usize;
        let base = day as f64 * MINUTES_PER_DAY;
        for _ in 0..count {
            let u: f64 = rng.random();
            let mut acc = 0.0;
            let block = s
                .hour_blocks
                .iter()
                .find(|b| {
                    acc += b.2;
                    u < acc
                })
                .unwrap_or(&s.hour_blocks[s.hour_blocks.len() - 1]);
            out.push(base + block.0 + (block.1 - block.0) * rng.random::<f64>());
        }
        // By the minute from the first block's start, then exactly: the
        // same order as any sort, since equal times have the same bits. The
        // minute goes through `u32`, whose saturating conversion is a third
        // of `usize`'s (no unsigned 64-bit conversion on x86-64), and any
        // monotone key gives the same order (it saturates below 0).
        let (first, slots) = self.sort_span;
        let start = base + first;
        let minute = |t: &f64| (t - start) as u32 as usize;
        // `<` is `total_cmp` here: the times are finite and never -0.0
        // (`base + from` is +0.0 at the least, and a sum with +0.0 is never
        // -0.0), and only NaN and the two zeros tell the two apart.
        let less = |a: &f64, b: &f64| a < b;
        sort_by_slot(out, &mut self.sort_scratch, &mut self.sort_counts, slots, minute, less);
    }
}

impl Model<'_> {
    pub(super) fn day_start(&mut self, day: usize) {
        debug_assert_eq!(self.next_arrival, self.arrivals.len(), "a day's arrivals outlived it");
        let mut buf = std::mem::take(&mut self.arrivals);
        match self.plan.as_ref().and_then(|p| p.day(day)) {
            Some(planned) => {
                buf.clear();
                buf.extend_from_slice(planned);
            }
            None => self
                .pop
                .draw_day(self.s, day, &mut self.rng.arrivals, &mut self.arrival_times, &mut buf),
        }
        self.pop.touch(&buf);
        // Drawn in time order: a lane, not one push (and one sort) each.
        self.q.push_lane(buf.iter().map(|a| a.time), Ev::Arrival);
        self.arrivals = buf;
        self.next_arrival = 0;
        for (practice, prepared) in self.s.practices.list.iter().enumerate() {
            if prepared.calendar.is_open(day) {
                self.q.push(prepared.calendar.closing(day), Ev::ReceptionClose(practice as u8));
            }
        }
        self.online_day_start(day);
        if self.cal().weekday(day) == 0 {
            self.splw_draw_absence();
        }
        self.splw_update_capacity();
        self.vcse_follow_schedules();
        if let Some(w) = self.week() {
            let gp_diaries = &self.diaries[..self.s.practices.len()];
            let cap: f64 = gp_diaries.iter().map(|d| f64::from(d.capacity[day])).sum();
            self.weekly.add(self.series.gp_capacity, Some(w), cap);
        }
    }

    /// A new exogenous episode: the day's next [`Arrival`] (arrivals leave
    /// the queue in the order they were drawn: sorted, ties first-in,
    /// first-out), so every arm sees the same patients and needs.
    pub(super) fn arrival(&mut self) {
        let Arrival { u_thin, patient, need, .. } = self.arrivals[self.next_arrival];
        self.next_arrival += 1;
        let patient = patient as usize;
        let factor = f64::from(self.pop.patients[patient].contact_factor);
        // A lowered contact rate thins this patient's episodes; a raised one
        // (a sensitivity case) duplicates some.
        let copies = if factor < 1.0 {
            usize::from(u_thin < factor)
        } else {
            1 + usize::from(u_thin < factor - 1.0)
        };
        // Drawn for every arrival, copies or none, so that the online
        // choices line up across arms.
        let online = self.online_choice(patient as u32);
        for _ in 0..copies {
            if let Some(choice) = online {
                let (patient, triager, route) = (patient as u32, choice.triager, choice.route);
                self.q.push(
                    choice.written,
                    Ev::OnlineRequest {
                        patient,
                        need,
                        triager,
                        route,
                    },
                );
                continue;
            }
            let ep = self.new_exogenous_episode(patient as u32, need);
            self.contact(ep);
        }
    }

    /// A new exogenous episode of `patient` with `need` (traced while the
    /// window's quota lasts), by phone or written online.
    // Always: on every call's path. Left to the compiler, it was not
    // inlined and the phone-only run took 2% more instructions.
    #[inline(always)]
    pub(super) fn new_exogenous_episode(&mut self, patient: u32, need: u16) -> u32 {
        let traced = self.in_window() && self.traced < self.journey_quota;
        if traced {
            self.traced += 1;
        }
        self.count(Counter::NewEpisodes);
        self.group_count_patient(patient, Counter::NewEpisodes);
        let ep = self.new_episode(patient, need, traced);
        self.trace(ep, Place::Practice, "new_episode", Reason::None);
        ep
    }

    pub(super) fn re_referral(&mut self, patient: u32, need: u16) {
        let ep = self.new_episode(patient, need, false);
        self.splw_refer(ep);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{stream_rng, Stream};

    #[test]
    fn alias_table_matches_weights() {
        let weights = [1.0, 3.0, 0.0, 6.0];
        let table = AliasTable::new(&weights);
        let mut rng = stream_rng(1, 0, Stream::Numbered(0));
        let n = 200_000;
        let mut counts = [0usize; 4];
        for _ in 0..n {
            counts[table.sample(rng.random(), rng.random())] += 1;
        }
        for (i, w) in weights.iter().enumerate() {
            let p = w / 10.0;
            let se = (p * (1.0 - p) / n as f64).sqrt();
            let got = counts[i] as f64 / n as f64;
            assert!((got - p).abs() <= 4.0 * se + 1e-12, "index {i}: {got} vs {p}");
        }
    }
}
