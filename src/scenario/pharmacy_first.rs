//! Pharmacy First as the model uses it: which episodes of its need are one
//! of its conditions, who is eligible by age and sex, and what happens at
//! the consultation. Checked and prepared by `validate`; the model draws the
//! uniforms (`crate::model`'s `pharmacy_first`).

use crate::engine::Categorical;

/// A patient's sex, as the eligibility rules read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    /// Female.
    Female,
    /// Male.
    Male,
}

/// One condition's eligibility: an age range and, for some, sex.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EligibilityRule {
    /// Youngest eligible age \[years\].
    pub min_age: f64,
    /// Eligible below this age: the oldest eligible age plus one \[years\].
    pub below_age: f64,
    /// Women only.
    pub female_only: bool,
}

impl EligibilityRule {
    /// Whether a patient aged `age` \[years\] of `sex` is eligible.
    pub fn admits(&self, age: f64, sex: Sex) -> bool {
        (self.min_age..self.below_age).contains(&age) && (!self.female_only || sex == Sex::Female)
    }

    /// Share of the patients of `sex` in the age band `[from, to)` \[years\]
    /// who are eligible, with ages uniform within the band.
    pub fn band_share(&self, from: f64, to: f64, sex: Sex) -> f64 {
        if to <= from || (self.female_only && sex != Sex::Female) {
            return 0.0;
        }
        let overlap = (to.min(self.below_age) - from.max(self.min_age)).max(0.0);
        overlap / (to - from)
    }
}

/// One band of an age–sex mix.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AgeBand {
    /// Lower edge \[years\].
    pub from: f64,
    /// Upper edge, exclusive \[years\].
    pub to: f64,
    /// Share of the list in the band \[share\].
    pub share: f64,
    /// Share of the band who are female \[share\].
    pub female_share: f64,
}

/// Share of a list with age–sex mix `bands` eligible under `rule`
/// \[share\], with ages uniform within each band.
pub fn list_eligible_share(rule: &EligibilityRule, bands: &[AgeBand]) -> f64 {
    bands
        .iter()
        .map(|b| {
            let female = b.female_share * rule.band_share(b.from, b.to, Sex::Female);
            let male = (1.0 - b.female_share) * rule.band_share(b.from, b.to, Sex::Male);
            b.share * (female + male)
        })
        .sum()
}

/// What a patient's record says about their age and sex: an age band with
/// edges in years and a sex. Patients without demographics use the list's
/// eligible share instead.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Demographics {
    /// Age band `[from, to)` \[years\].
    pub age_from: f64,
    /// Upper edge of the band, exclusive \[years\].
    pub age_to: f64,
    /// Sex.
    pub sex: Sex,
}

/// Pharmacy First, checked and switched on.
#[derive(Debug, Clone)]
pub struct PharmacyFirst {
    /// Index of the need holding the conditions.
    pub need: usize,
    /// Share of eligible episodes of its conditions the navigator sends there \[share\].
    pub navigated_share: f64,
    /// Share of consultations completed in the pharmacy \[share\].
    pub completion: f64,
    /// Share of consultations referred on to the practice \[share\].
    pub onward_referral: f64,
    /// Fee per consultation \[GBP\].
    pub fee: f64,
    /// The condition of an episode of the need, by share; a uniform past
    /// the shares' total is none of them.
    pub conditions: Categorical<Option<usize>>,
    /// Per condition: who is eligible.
    pub rules: Vec<EligibilityRule>,
    /// Per condition: share of the list eligible, from the list's age–sex
    /// mix (for patients without demographics) \[share\].
    pub list_eligible: Vec<f64>,
}

impl PharmacyFirst {
    /// The condition a uniform `u` in [0, 1) picks for an episode of the
    /// need, if any.
    pub fn condition(&self, u: f64) -> Option<usize> {
        self.conditions.sample_or(u, None)
    }

    /// Whether a patient with `condition` is eligible, decided by the
    /// uniform `u` in [0, 1): with demographics, the patient's age is
    /// uniform in their band (`u` places it) and the rule is applied; without,
    /// `u` is compared with the list's eligible share.
    pub fn eligible(&self, condition: usize, who: Option<Demographics>, u: f64) -> bool {
        match who {
            Some(d) => self.rules[condition].admits(d.age_from + u * (d.age_to - d.age_from), d.sex),
            None => u < self.list_eligible[condition],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UTI: EligibilityRule = EligibilityRule {
        min_age: 16.0,
        below_age: 65.0,
        female_only: true,
    };
    const OTITIS: EligibilityRule = EligibilityRule {
        min_age: 1.0,
        below_age: 18.0,
        female_only: false,
    };

    #[test]
    fn age_and_sex_rules_exclude_whom_they_should() {
        assert!(UTI.admits(16.0, Sex::Female) && UTI.admits(64.99, Sex::Female));
        assert!(!UTI.admits(40.0, Sex::Male), "men are not eligible for UTI");
        assert!(!UTI.admits(15.99, Sex::Female) && !UTI.admits(65.0, Sex::Female));
        assert!(OTITIS.admits(1.0, Sex::Male) && OTITIS.admits(17.5, Sex::Female));
        assert!(!OTITIS.admits(0.5, Sex::Male) && !OTITIS.admits(18.0, Sex::Male));
    }

    #[test]
    fn band_shares_are_the_eligible_part_of_each_band() {
        assert_eq!(UTI.band_share(18.0, 65.0, Sex::Female), 1.0);
        assert_eq!(UTI.band_share(18.0, 65.0, Sex::Male), 0.0);
        assert_eq!(UTI.band_share(65.0, 100.0, Sex::Female), 0.0);
        assert_eq!(UTI.band_share(12.0, 20.0, Sex::Female), 0.5);
        assert_eq!(OTITIS.band_share(0.0, 2.0, Sex::Male), 0.5);
        let bands = [
            AgeBand {
                from: 0.0,
                to: 16.0,
                share: 0.2,
                female_share: 0.5,
            },
            AgeBand {
                from: 16.0,
                to: 65.0,
                share: 0.6,
                female_share: 0.5,
            },
            AgeBand {
                from: 65.0,
                to: 100.0,
                share: 0.2,
                female_share: 0.6,
            },
        ];
        assert!((list_eligible_share(&UTI, &bands) - 0.3).abs() < 1e-12);
    }

    #[test]
    fn a_patient_is_eligible_by_their_band_or_by_the_list_share() {
        let pf = PharmacyFirst {
            need: 0,
            navigated_share: 1.0,
            completion: 0.9,
            onward_referral: 0.1,
            fee: 15.0,
            conditions: Categorical::cumulative([(Some(0), 0.5)]),
            rules: vec![UTI],
            list_eligible: vec![0.3],
        };
        assert_eq!(pf.condition(0.49), Some(0));
        assert_eq!(pf.condition(0.5), None);
        let man = Demographics {
            age_from: 18.0,
            age_to: 65.0,
            sex: Sex::Male,
        };
        let woman = Demographics { sex: Sex::Female, ..man };
        let girl = Demographics {
            age_from: 5.0,
            age_to: 12.0,
            sex: Sex::Female,
        };
        for u in [0.0, 0.3, 0.99] {
            assert!(!pf.eligible(0, Some(man), u));
            assert!(pf.eligible(0, Some(woman), u));
            assert!(!pf.eligible(0, Some(girl), u));
        }
        assert!(pf.eligible(0, None, 0.29) && !pf.eligible(0, None, 0.3));
    }
}
