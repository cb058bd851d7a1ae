//! Gzip for request bodies (feature `gzip`).

use std::io::Write as _;

use flate2::write::GzEncoder;
use flate2::Compression;

/// Gzips `body` at the fast level (`Content-Encoding: gzip`).
///
/// ```
/// let z = census_export::gzip(b"x 1\n");
/// assert_eq!(&z[..2], &[0x1f, 0x8b]);
/// ```
pub fn gzip(body: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::with_capacity(body.len() / 4 + 64), Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(body);
    enc.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    #[test]
    fn gzip_round_trips() {
        let body = b"# TYPE x counter\nx 1\n".repeat(100);
        let z = gzip(&body);
        assert!(z.len() < body.len());
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&z[..])
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, body);
    }
}
