//! A part: one unit's mergeable partial result, as bytes that check
//! themselves.
//!
//! ```text
//!  offset  bytes  field
//!       0      8  magic "SPPART\r\n" (a text-mode copy mangles it)
//!       8      4  format version, u32 little-endian (PART_FORMAT)
//!      12      8  unit id, u64
//!      20     32  plan id: SHA-256 of the plan's files (raw bytes)
//!      52      8  payload length n, u64
//!      60      n  payload (crate::codec: integers little-endian, f64 as bits)
//!   60+n      32  SHA-256 of bytes 0 .. 60+n
//! ```
//!
//! Binary rather than JSON: every `f64` is its 64 bits, so NaN (an
//! undefined metric), infinities and −0 come back bit for bit, and the
//! merged files equal a single run's. The length and checksum make a
//! truncated or altered part an error, never a wrong result.

use super::DistError;
use crate::codec::{Decode, DecodeError, Encode, Reader, Writer};
use crate::experiment::warmup::WarmupDiagnostic;
use crate::experiment::{ArmResult, ExperimentResult, WeeklySummary};
use crate::model::Conservation;
use crate::psa::runner::DrawResult;
use crate::stats::warmup::{SeriesVerdict, Verdict, WarmupCut};
use sha2::{Digest, Sha256};

/// The first bytes of every part.
pub const MAGIC: &[u8; 8] = b"SPPART\r\n";

/// Version of the part layout; a part of another is refused.
pub const PART_FORMAT: u32 = 1;

/// Bytes before the payload.
pub const HEADER_BYTES: usize = 60;

/// Bytes of the closing checksum.
const CHECKSUM_BYTES: usize = 32;

/// What a unit produced.
#[derive(Debug, Clone)]
pub enum Payload {
    /// A warm-up diagnostic.
    Warmup(WarmupDiagnostic),
    /// A block of replications, reduced.
    Replications(ExperimentResult),
    /// A block of PSA draws.
    Draws(Vec<DrawResult>),
}

/// A unit's part.
#[derive(Debug, Clone)]
pub struct Part {
    /// The plan's id (hex).
    pub plan_id: String,
    /// The unit.
    pub unit: usize,
    /// Its result.
    pub payload: Payload,
}

/// The fixed header of a part, readable without the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The unit.
    pub unit: usize,
    /// The plan's id (hex).
    pub plan_id: String,
    /// Size of the whole part \[bytes\], as the header gives it.
    pub total_bytes: u64,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if text.len() != 64 {
        return None;
    }
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

fn corrupt(message: impl std::fmt::Display) -> DistError {
    DistError::Part(format!("corrupt part: {message}"))
}

/// Reads the header: magic, format, unit, plan id and the size the whole
/// part must have.
pub fn read_header(bytes: &[u8]) -> Result<Header, DistError> {
    if bytes.len() < HEADER_BYTES {
        return Err(corrupt(format!("{} bytes, shorter than a part's header", bytes.len())));
    }
    if &bytes[..8] != MAGIC {
        return Err(DistError::Part("not a signpost part (wrong magic bytes)".into()));
    }
    let mut r = Reader::new(&bytes[8..HEADER_BYTES]);
    let read = |e: DecodeError| corrupt(e);
    let format = r.u32().map_err(read)?;
    if format != PART_FORMAT {
        return Err(DistError::Part(format!(
            "part format {format} where this build reads {PART_FORMAT}"
        )));
    }
    let unit = r.u64().map_err(read)?;
    let plan_id = hex(r.raw(32).map_err(read)?);
    let n = r.u64().map_err(read)?;
    Ok(Header {
        unit: usize::try_from(unit).map_err(|_| corrupt("unit id out of range"))?,
        plan_id,
        total_bytes: n.saturating_add((HEADER_BYTES + CHECKSUM_BYTES) as u64),
    })
}

impl Part {
    /// The part's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut payload = Writer::new();
        self.payload.encode(&mut payload);
        let payload = payload.into_bytes();
        let mut w = Writer::new();
        w.raw(MAGIC);
        w.u32(PART_FORMAT);
        w.u64(self.unit as u64);
        w.raw(&unhex(&self.plan_id).unwrap_or([0; 32]));
        w.len(payload.len());
        w.raw(&payload);
        let mut bytes = w.into_bytes();
        let sum = Sha256::digest(&bytes);
        bytes.extend_from_slice(&sum);
        bytes
    }

    /// A part from its bytes: the header, the length and the checksum
    /// checked before anything is decoded.
    pub fn from_bytes(bytes: &[u8]) -> Result<Part, DistError> {
        let header = read_header(bytes)?;
        if header.total_bytes != bytes.len() as u64 {
            return Err(DistError::Part(format!(
                "truncated or padded part: {} bytes where its header says {}",
                bytes.len(),
                header.total_bytes
            )));
        }
        let (body, sum) = bytes.split_at(bytes.len() - CHECKSUM_BYTES);
        if Sha256::digest(body).as_slice() != sum {
            return Err(corrupt("its checksum does not match its bytes"));
        }
        let mut r = Reader::new(&body[HEADER_BYTES..]);
        let payload = Payload::decode(&mut r).map_err(corrupt)?;
        if r.remaining() != 0 {
            return Err(corrupt(format!("{} bytes after the payload", r.remaining())));
        }
        Ok(Part {
            plan_id: header.plan_id,
            unit: header.unit,
            payload,
        })
    }
}

impl Encode for Payload {
    fn encode(&self, w: &mut Writer) {
        match self {
            Payload::Warmup(d) => {
                w.u8(0);
                d.encode(w);
            }
            Payload::Replications(r) => {
                w.u8(1);
                r.encode(w);
            }
            Payload::Draws(d) => {
                w.u8(2);
                w.seq(d);
            }
        }
    }
}

impl Decode for Payload {
    const MIN_BYTES: usize = 1;
    fn decode(r: &mut Reader) -> Result<Self, DecodeError> {
        Ok(match r.u8()? {
            0 => Payload::Warmup(WarmupDiagnostic::decode(r)?),
            1 => Payload::Replications(ExperimentResult::decode(r)?),
            2 => Payload::Draws(r.seq()?),
            t => return Err(DecodeError(format!("unknown payload kind {t}"))),
        })
    }
}

impl Encode for ExperimentResult {
    fn encode(&self, w: &mut Writer) {
        w.u64(self.first_replication);
        w.u64(self.events);
        let c = &self.conservation;
        [c.created, c.resolved, c.unmet, c.open].iter().for_each(|&x| w.u64(x));
        w.seq(&self.arms);
    }
}

impl Decode for ExperimentResult {
    const MIN_BYTES: usize = 56;
    fn decode(r: &mut Reader) -> Result<Self, DecodeError> {
        let first_replication = r.u64()?;
        let events = r.u64()?;
        let conservation = Conservation {
            created: r.u64()?,
            resolved: r.u64()?,
            unmet: r.u64()?,
            open: r.u64()?,
        };
        let arms: Vec<ArmResult> = r.seq()?;
        if arms.windows(2).any(|p| p[0].values.len() != p[1].values.len()) {
            return Err(DecodeError("arms hold different numbers of replications".into()));
        }
        Ok(ExperimentResult {
            arms,
            events,
            conservation,
            first_replication,
        })
    }
}

impl Encode for ArmResult {
    fn encode(&self, w: &mut Writer) {
        w.str(&self.name);
        w.str(&self.description);
        w.seq(&self.metric_names);
        w.seq(&self.values);
        self.weekly.encode(w);
    }
}

impl Decode for ArmResult {
    const MIN_BYTES: usize = 56;
    fn decode(r: &mut Reader) -> Result<Self, DecodeError> {
        let arm = ArmResult {
            name: r.str()?,
            description: r.str()?,
            metric_names: r.seq()?,
            values: r.seq()?,
            weekly: WeeklySummary::decode(r)?,
        };
        if arm.values.iter().any(|row| row.len() != arm.metric_names.len()) {
            return Err(DecodeError(format!("arm {}: a row's length differs from its metrics'", arm.name)));
        }
        Ok(arm)
    }
}

impl Encode for DrawResult {
    fn encode(&self, w: &mut Writer) {
        w.u64(self.draw as u64);
        w.seq(&self.names);
        w.seq(&self.per_arm);
        w.u64(self.events);
    }
}

impl Decode for DrawResult {
    const MIN_BYTES: usize = 32;
    fn decode(r: &mut Reader) -> Result<Self, DecodeError> {
        Ok(DrawResult {
            draw: r.usize()?,
            names: r.seq()?,
            per_arm: r.seq()?,
            events: r.u64()?,
        })
    }
}

impl Encode for WarmupDiagnostic {
    fn encode(&self, w: &mut Writer) {
        w.len(self.warmup_weeks);
        w.len(self.run_weeks);
        w.u64(self.replications);
        w.seq(&self.series);
    }
}

impl Decode for WarmupDiagnostic {
    const MIN_BYTES: usize = 32;
    fn decode(r: &mut Reader) -> Result<Self, DecodeError> {
        Ok(WarmupDiagnostic {
            warmup_weeks: r.usize()?,
            run_weeks: r.usize()?,
            replications: r.u64()?,
            series: r.seq()?,
        })
    }
}

impl Encode for SeriesVerdict {
    fn encode(&self, w: &mut Writer) {
        w.str(&self.name);
        match self.verdict {
            Verdict::Steady => w.u8(0),
            Verdict::Transient { weeks_into_window } => {
                w.u8(1);
                w.len(weeks_into_window);
            }
            Verdict::Immaterial { weeks_into_window, bias } => {
                w.u8(2);
                w.len(weeks_into_window);
                w.f64(bias);
            }
            Verdict::NeverSettles => w.u8(3),
            Verdict::TooShort => w.u8(4),
        }
        match &self.cut {
            None => w.u8(0),
            Some(c) => {
                w.u8(1);
                w.len(c.truncate_weeks);
                w.bool(c.settled);
                w.f64(c.drift_z);
                w.f64(c.mser);
                w.len(c.batches);
                w.f64(c.steady_mean);
            }
        }
    }
}

impl Decode for SeriesVerdict {
    const MIN_BYTES: usize = 10;
    fn decode(r: &mut Reader) -> Result<Self, DecodeError> {
        let name = r.str()?;
        let verdict = match r.u8()? {
            0 => Verdict::Steady,
            1 => Verdict::Transient {
                weeks_into_window: r.usize()?,
            },
            2 => Verdict::Immaterial {
                weeks_into_window: r.usize()?,
                bias: r.f64()?,
            },
            3 => Verdict::NeverSettles,
            4 => Verdict::TooShort,
            t => return Err(DecodeError(format!("unknown warm-up verdict {t}"))),
        };
        let cut = match r.u8()? {
            0 => None,
            1 => Some(WarmupCut {
                truncate_weeks: r.usize()?,
                settled: r.bool()?,
                drift_z: r.f64()?,
                mser: r.f64()?,
                batches: r.usize()?,
                steady_mean: r.f64()?,
            }),
            t => return Err(DecodeError(format!("unknown warm-up cut tag {t}"))),
        };
        Ok(SeriesVerdict { name, verdict, cut })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part() -> Part {
        Part {
            plan_id: "ab".repeat(32),
            unit: 3,
            payload: Payload::Draws(vec![DrawResult {
                draw: 9_999,
                names: vec!["a".into()],
                per_arm: vec![vec![f64::NAN, -0.0], vec![1.5, f64::INFINITY]],
                events: 9,
            }]),
        }
    }

    #[test]
    fn a_part_round_trips_bit_for_bit() {
        let bytes = part().to_bytes();
        let back = Part::from_bytes(&bytes).unwrap();
        assert_eq!(back.to_bytes(), bytes);
        assert_eq!(read_header(&bytes).unwrap().unit, 3);
    }

    #[test]
    fn truncation_and_a_flipped_bit_are_refused() {
        let bytes = part().to_bytes();
        assert!(Part::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        for i in [0, 13, HEADER_BYTES + 3, bytes.len() - 1] {
            let mut b = bytes.clone();
            b[i] ^= 1;
            assert!(Part::from_bytes(&b).is_err(), "byte {i}");
        }
    }
}
