//! A compact binary encoding with exact numbers, for partial results that
//! travel between machines ([`crate::distributed`]): integers little-endian,
//! every `f64` as its 64 bits (so NaN, infinities and −0 come back
//! bit for bit), strings and sequences length-prefixed. No I/O: bytes in,
//! bytes out. A leaf: it knows none of the types it carries; each type
//! implements [`Encode`] and [`Decode`] beside its own definition.

/// Why bytes could not be decoded: truncated, or a value out of range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub String);

/// Bytes being written.
#[derive(Debug, Default)]
pub struct Writer {
    bytes: Vec<u8>,
}

impl Writer {
    /// An empty buffer.
    pub fn new() -> Writer {
        Writer::default()
    }

    /// The bytes written.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// Raw bytes, without a length.
    pub fn raw(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }

    /// One byte.
    pub fn u8(&mut self, x: u8) {
        self.bytes.push(x);
    }

    /// A `u32`.
    pub fn u32(&mut self, x: u32) {
        self.raw(&x.to_le_bytes());
    }

    /// A `u64`.
    pub fn u64(&mut self, x: u64) {
        self.raw(&x.to_le_bytes());
    }

    /// An `i128`.
    pub fn i128(&mut self, x: i128) {
        self.raw(&x.to_le_bytes());
    }

    /// A length or index.
    pub fn len(&mut self, n: usize) {
        self.u64(n as u64);
    }

    /// An `f64`, as its bits.
    pub fn f64(&mut self, x: f64) {
        self.u64(x.to_bits());
    }

    /// A bool as one byte.
    pub fn bool(&mut self, x: bool) {
        self.u8(u8::from(x));
    }

    /// A UTF-8 string, length first.
    pub fn str(&mut self, s: &str) {
        self.len(s.len());
        self.raw(s.as_bytes());
    }

    /// A sequence, length first.
    pub fn seq<T: Encode>(&mut self, items: &[T]) {
        self.len(items.len());
        items.iter().for_each(|x| x.encode(self));
    }
}

/// Bytes being read, front to back.
#[derive(Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Reads `bytes` from the start.
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes }
    }

    /// Bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.bytes.len()
    }

    /// The next `n` bytes.
    pub fn raw(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if n > self.bytes.len() {
            return Err(DecodeError(format!("ends early: {n} bytes wanted, {} left", self.bytes.len())));
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut out = [0; N];
        out.copy_from_slice(self.raw(N)?);
        Ok(out)
    }

    /// One byte.
    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.raw(1)?[0])
    }

    /// A `u32`.
    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    /// A `u64`.
    pub fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    /// An `i128`.
    pub fn i128(&mut self) -> Result<i128, DecodeError> {
        Ok(i128::from_le_bytes(self.array()?))
    }

    /// A length, refused when it could not fit in what is left (each item
    /// takes at least `min_item_bytes`), so a corrupt length never makes
    /// a huge allocation.
    pub fn len(&mut self, min_item_bytes: usize) -> Result<usize, DecodeError> {
        let n = self.u64()?;
        let fits = usize::try_from(n)
            .ok()
            .filter(|&n| n.saturating_mul(min_item_bytes.max(1)) <= self.bytes.len());
        fits.ok_or_else(|| DecodeError(format!("a length of {n} exceeds the {} bytes left", self.bytes.len())))
    }

    /// An index or count that is not a length (nothing follows it).
    pub fn usize(&mut self) -> Result<usize, DecodeError> {
        let n = self.u64()?;
        usize::try_from(n).map_err(|_| DecodeError(format!("{n} does not fit this machine's usize")))
    }

    /// An `f64` from its bits.
    pub fn f64(&mut self) -> Result<f64, DecodeError> {
        Ok(f64::from_bits(self.u64()?))
    }

    /// A bool.
    pub fn bool(&mut self) -> Result<bool, DecodeError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(DecodeError(format!("{b} is not a bool"))),
        }
    }

    /// A UTF-8 string.
    pub fn str(&mut self) -> Result<String, DecodeError> {
        let n = self.len(1)?;
        let bytes = self.raw(n)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| DecodeError("a string is not UTF-8".into()))
    }

    /// A sequence.
    pub fn seq<T: Decode>(&mut self) -> Result<Vec<T>, DecodeError> {
        let n = self.len(T::MIN_BYTES)?;
        (0..n).map(|_| T::decode(self)).collect()
    }
}

/// A value that writes itself to a [`Writer`].
pub trait Encode {
    /// Appends the value.
    fn encode(&self, w: &mut Writer);
}

/// A value that reads itself back from a [`Reader`].
pub trait Decode: Sized {
    /// Fewest bytes one value takes (bounds the lengths read).
    const MIN_BYTES: usize;
    /// Reads one value.
    fn decode(r: &mut Reader) -> Result<Self, DecodeError>;
}

impl Encode for f64 {
    fn encode(&self, w: &mut Writer) {
        w.f64(*self);
    }
}

impl Decode for f64 {
    const MIN_BYTES: usize = 8;
    fn decode(r: &mut Reader) -> Result<Self, DecodeError> {
        r.f64()
    }
}

impl Encode for String {
    fn encode(&self, w: &mut Writer) {
        w.str(self);
    }
}

impl Decode for String {
    const MIN_BYTES: usize = 8;
    fn decode(r: &mut Reader) -> Result<Self, DecodeError> {
        r.str()
    }
}

impl Encode for Vec<f64> {
    fn encode(&self, w: &mut Writer) {
        w.seq(self);
    }
}

impl Decode for Vec<f64> {
    const MIN_BYTES: usize = 8;
    fn decode(r: &mut Reader) -> Result<Self, DecodeError> {
        r.seq()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_come_back_bit_for_bit() {
        let xs = vec![
            0.1,
            -0.0,
            f64::NAN,
            -f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE / 2.0,
        ];
        let mut w = Writer::new();
        w.seq(&xs);
        w.str("π week");
        let bytes = w.into_bytes();
        let mut r = Reader::new(&bytes);
        let back: Vec<f64> = r.seq().unwrap();
        assert_eq!(
            back.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            xs.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
        );
        assert_eq!(r.str().unwrap(), "π week");
        assert_eq!(r.remaining(), 0);
    }

    #[test]
    fn a_truncated_or_inflated_length_is_an_error_not_an_allocation() {
        let mut w = Writer::new();
        w.u64(u64::MAX);
        let bytes = w.into_bytes();
        assert!(Reader::new(&bytes).seq::<f64>().is_err());
        assert!(Reader::new(&bytes[..3]).u64().is_err());
    }
}
