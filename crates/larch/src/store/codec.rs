//! How raw bytes are kept: zstd frames, checked against a SHA-256.
//!
//! Pure functions, safe to call from parallel stages.

use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// zstd level for raw mail: fast, about gzip-6's ratio.
const LEVEL: i32 = 3;

/// Compress raw bytes for the store.
pub fn compress(raw: &[u8]) -> Vec<u8> {
    thread_local! {
        // One compression context per thread: creating one per message
        // costs more than compressing a small message.
        static COMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
            std::cell::RefCell::new(zstd::bulk::Compressor::new(LEVEL).ok());
    }
    let reused = COMPRESSOR.with(|c| c.borrow_mut().as_mut().and_then(|c| c.compress(raw).ok()));
    // Compressing into a Vec cannot fail except on allocation; fall back to
    // a fresh context rather than lose mail.
    reused
        .or_else(|| zstd::bulk::compress(raw, LEVEL).ok())
        .unwrap_or_default()
}

/// Decompress bytes written by [`compress`]; `size` is the original length.
pub fn decompress(data: &[u8], size: u64) -> Result<Vec<u8>> {
    // Refuse sizes no message can have (a corrupt row must not make us
    // allocate terabytes): 4 GiB is far beyond any mail.
    if size > 1 << 32 {
        return Err(Error::Corrupt(format!(
            "recorded size {size} is not plausible"
        )));
    }
    let cap = usize::try_from(size).map_err(|_| Error::Corrupt("size overflow".into()))?;
    zstd::bulk::decompress(data, cap.max(1)).map_err(|e| Error::Corrupt(format!("zstd: {e}")))
}

/// SHA-256 of raw bytes.
pub fn hash(raw: &[u8]) -> [u8; 32] {
    Sha256::digest(raw).into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip() {
        for raw in [&b""[..], b"x", &[0u8; 100_000][..]] {
            let c = super::compress(raw);
            assert_eq!(super::decompress(&c, raw.len() as u64).unwrap(), raw);
        }
    }
}
