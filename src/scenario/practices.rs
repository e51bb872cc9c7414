//! The practices of a PCN, prepared: each one's share of the list, of the
//! GP diary and of the roles it employs, its reception lines, its opening
//! hours, its rurality and the phone routing of its navigation tier. A
//! scenario without `[[practices]]` has one implicit practice holding the
//! whole PCN, so the model has one code path and runs exactly as before.
//!
//! **Diaries.** The model's diaries are laid out as `0..P`, the P
//! practices' GP diaries in order, then per role in `[[roles]]` order one
//! diary if the PCN employs it, or P (one per practice, in order) if the
//! practices do ([`Practices::role_diary`]).

use super::Place;
use crate::engine::calendar::Calendar;
use crate::engine::Categorical;

/// The most practices a PCN may list (a patient holds its practice in a byte).
pub const MAX_PRACTICES: usize = 255;

/// One practice, ready for the model.
#[derive(Debug, Clone)]
pub struct PreparedPractice {
    /// Its name (the PCN's name for the implicit practice).
    pub name: String,
    /// Registered patients \[patients\].
    pub list_size: u64,
    /// Its share of the PCN's GP FTE, applied to every GP diary slot count
    /// (1 for the implicit practice).
    pub gp_share: f64,
    /// Reception lines staffed at once \[lines\].
    pub reception_lines: u32,
    /// Share of its patients with rural transport barriers.
    pub rural_share: f64,
    /// Per need, its navigators' choice of destination by phone (the tier
    /// in force at the practice).
    pub routing: Vec<Categorical<Place>>,
    /// When it is open: the PCN's calendar, narrowed to its own hours and
    /// weekdays if it sets them.
    pub calendar: Calendar,
    /// Per role in `[[roles]]`: its share of the role's FTE if the
    /// practices employ the role (0 where it employs none), else 0.
    pub role_share: Vec<f64>,
}

/// The scenario's practices: the listed ones, or the one implicit practice.
#[derive(Debug, Clone)]
pub struct Practices {
    /// In the order listed; never empty.
    pub list: Vec<PreparedPractice>,
    /// Whether the scenario listed them (so results are reported per practice).
    pub listed: bool,
    /// Per role in `[[roles]]`: whether the practices employ it (one diary
    /// per practice) rather than the PCN (one shared diary).
    pub role_employed: Vec<bool>,
    /// Per role: its first diary (see the module docs).
    pub role_first_diary: Vec<usize>,
    /// Per diary from `P` on: the role it belongs to.
    pub diary_role: Vec<usize>,
    /// Whether any practice keeps hours other than the PCN's `[time]`.
    pub own_hours: bool,
}

impl Practices {
    /// How many practices the model runs (at least 1).
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Never empty (there is always at least the implicit practice).
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The layout of the roles' diaries for `practices` (P) practices and
    /// each role's `role_employed`: per role its first diary, and the role
    /// of each diary from `P` on.
    pub fn role_layout(practices: usize, role_employed: &[bool]) -> (Vec<usize>, Vec<usize>) {
        let mut first = Vec::with_capacity(role_employed.len());
        let mut diary_role = Vec::new();
        for (role, &employed) in role_employed.iter().enumerate() {
            first.push(practices + diary_role.len());
            let copies = if employed { practices } else { 1 };
            diary_role.extend(std::iter::repeat(role).take(copies));
        }
        (first, diary_role)
    }

    /// The diary of `role` that patients of `practice` book: the
    /// practice's own if the practices employ the role, else the PCN's.
    #[inline]
    pub fn role_diary(&self, role: usize, practice: u8) -> usize {
        let first = self.role_first_diary[role];
        if self.role_employed[role] {
            first + usize::from(practice)
        } else {
            first
        }
    }

    /// The practice diary `diary` belongs to: a GP diary's, or a
    /// practice-employed role's; `None` for a role the PCN employs.
    #[inline]
    pub fn diary_practice(&self, diary: usize) -> Option<usize> {
        let p = self.len();
        if diary < p {
            return Some(diary);
        }
        let role = self.diary_role[diary - p];
        self.role_employed[role].then(|| diary - self.role_first_diary[role])
    }

    /// The calendar diary `diary` keeps: its practice's, else `pcn`.
    #[inline]
    pub fn diary_calendar<'a>(&'a self, diary: usize, pcn: &'a Calendar) -> &'a Calendar {
        match self.diary_practice(diary) {
            Some(practice) => &self.list[practice].calendar,
            None => pcn,
        }
    }

    /// How many diaries the model keeps (GP and roles).
    pub fn diaries(&self) -> usize {
        self.len() + self.diary_role.len()
    }
}
