//! Probabilistic sensitivity analysis (PSA) and value of information: the
//! pure numerical library behind `signpost psa` (issue #13).
//!
//! Every interval `signpost run` prints is Monte Carlo noise: it says how
//! well the mean is pinned down *given* the scenario's parameter values.
//! PSA asks how the answer moves when those values are themselves
//! uncertain, as NICE's reference case requires (NICE 2022, *NICE health
//! technology evaluations: the manual*, PMG36, on exploring parameter
//! uncertainty probabilistically). The pipeline is
//!
//! ```text
//!  [uncertainty] in TOML      design            simulator         decision
//!  ───────────────────── ─────────────────── ─────────────── ─────────────────
//!   PriorSpec ─validate─▶ Sobol / LHS points ─▶ parameter    ─▶ net benefit
//!   (per key / group)     u ∈ (0,1)^d, seeded   values per draw  nb[draw][arm]
//!        │                      │ quantile          │ (CRN: same     │
//!        ▼                      ▼                   │  streams for   ├─▶ E[NB], P(best), EVPI
//!      Prior ──────────────▶ draw(u) ──────────────┘  every arm)    ├─▶ CEAC over λ
//!                                                                    └─▶ EVPPI per parameter
//! ```
//!
//! * [`prior`]: distributions as written (`dist = "beta"`, …) and checked:
//!   beta, gamma, lognormal, normal (optionally truncated), uniform,
//!   triangular, PERT, fixed, and Dirichlet for shares that sum to 1. Each
//!   knows its support, analytic mean and variance, and its inverse CDF, so
//!   a draw is a deterministic function of a uniform. Beta and gamma
//!   quantiles invert regularised incomplete beta and gamma functions
//!   (continued fractions, Lentz's method) by safeguarded Newton steps.
//! * [`design`]: where the uniforms come from. A Sobol sequence with the
//!   direction numbers of Joe & Kuo (2008, SIAM J. Sci. Comput.
//!   30:2635–2654) and hash-based Owen scrambling (Owen 1995; Burley 2020,
//!   J. Computer Graphics Techniques 9(4)) seeded from the master seed, or a
//!   Latin hypercube (McKay, Beckman & Conover 1979). Both fill the unit
//!   cube more evenly than pseudo-random points, measured by the centred
//!   and wrap-around L2 discrepancies of Hickernell (1998, Math. Comp.
//!   67:299–322).
//! * [`decision`]: from net benefits per draw and option, the expected net
//!   benefit, the probability each option is best, the expected value of
//!   perfect information `EVPI = E[max_d NB_d] − max_d E[NB_d]`, and the
//!   cost-effectiveness acceptability curve (CEAC) over willingness to pay
//!   λ with NB = λ·effect − cost (Briggs, Claxton & Sculpher 2006,
//!   *Decision Modelling for Health Economic Evaluation*, OUP, ch. 5–7).
//! * [`mod@evppi`]: the expected value of partial perfect information for one
//!   parameter or a group, `EVPPI(θ) = E_θ[max_d E(NB_d | θ)] − max_d E[NB_d]`.
//!   The inner conditional expectation is estimated by regressing each
//!   option's incremental net benefit on θ across the PSA draws (Strong,
//!   Oakley & Brennan 2014, Med Decis Making 34:311–326), which needs no
//!   nested simulation and also averages out the simulation noise within
//!   each draw. The smoother is a penalised cubic B-spline (P-spline;
//!   Eilers & Marx 1996, Statist. Sci. 11:89–121) with its smoothing
//!   parameter chosen by generalised cross-validation; groups use an
//!   additive model of P-splines fitted by backfitting (Hastie & Tibshirani
//!   1990). Standard errors come from a bootstrap over draws.
//!
//! # Example
//!
//! ```
//! use signpost::uncertainty::{evppi, Design, EvppiOptions, Outcomes, PriorSpec};
//!
//! // θ ~ normal(0.2, 1): the incremental net benefit of acting [£k].
//! let spec: PriorSpec = toml::from_str("dist = \"normal\"\nmean = 0.2\nsd = 1.0").unwrap();
//! let prior = spec.validate().unwrap();
//! let design = Design::Sobol.points(1024, prior.dims(), 42).unwrap();
//! let theta: Vec<f64> = design.rows().map(|u| prior.draw(u).unwrap()[0]).collect();
//! // Options: do nothing (NB 0) or act (NB θ).
//! let nb = Outcomes::new(1024, 2, theta.iter().flat_map(|&t| [0.0, t]).collect()).unwrap();
//! assert_eq!(nb.best_expected(), 1);
//! // EVPI = E[max(0, θ)] − max(0, E θ) = φ(0.2) + 0.2·Φ(0.2) − 0.2 ≈ 0.3069.
//! assert!((nb.evpi() - 0.3069).abs() < 0.01);
//! // θ is the only uncertainty, so learning it is worth the whole EVPI.
//! let est = evppi(&[&theta], &nb, &EvppiOptions::default()).unwrap();
//! assert!((est.value - nb.evpi()).abs() < 0.02);
//! ```

#![warn(missing_docs)]

pub mod decision;
pub mod design;
mod dirichlet;
pub mod evppi;
mod linalg;
pub mod prior;
mod pspline;
mod truncated_normal;
mod univariate;

pub use decision::{ceac, net_monetary_benefit, Ceac, DecisionError, Outcomes};
pub use design::{Design, DesignError, DesignMatrix};
pub use dirichlet::Dirichlet;
pub use evppi::{evppi, Evppi, EvppiError, EvppiOptions};
pub use prior::{Prior, PriorError, PriorSpec};
pub use univariate::{Support, Univariate};

#[cfg(test)]
mod prior_tests;
#[cfg(test)]
mod props;
