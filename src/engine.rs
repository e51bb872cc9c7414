//! The discrete-event engine: a time-ordered event queue, the simulation
//! calendar and seeded random-number streams.
//!
//! The engine knows nothing about primary care; the pathway model in
//! [`crate::model`] and the pure queueing networks both
//! run on it.

pub mod calendar;
pub mod categorical;
pub mod queue;
pub mod resource;
pub mod rng;

pub use categorical::Categorical;
pub use queue::EventQueue;
pub use resource::{Admission, QueueLimit, Refusal, Resource, Ticket};
pub use rng::{stream_rng, SimRng, Stream};
