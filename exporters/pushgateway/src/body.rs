//! View data to request body: the one seam to census-prometheus's naming and text encoder.
//!
//! The text body *is* census-prometheus's text 0.0.4 exposition (one implementation, shared
//! with the pull exporter). The protobuf body reuses its naming and its checks: the text
//! encoder runs first on a scratch buffer to find the views it leaves out, then the remaining
//! views are written as `MetricFamily` messages (see `proto.rs`).

use std::collections::HashSet;

use census_prometheus::encode::Encoder;
use census_prometheus::{EncodeError, ExpositionOptions};
use census_sdk::ViewData;

use crate::error::PushError;
use crate::format::Format;
use crate::proto;

/// Encodes bodies for one exporter; keeps its buffers between pushes.
#[derive(Debug)]
pub(crate) struct BodyEncoder {
    encoder: Encoder,
    format: Format,
    check: Vec<u8>,
    proto: proto::Scratch,
}

impl BodyEncoder {
    /// `opts` must already reserve `job` and the grouping labels.
    pub(crate) fn new(opts: ExpositionOptions, format: Format) -> Self {
        BodyEncoder {
            encoder: Encoder::new(opts),
            format,
            check: Vec::new(),
            proto: proto::Scratch::default(),
        }
    }

    /// Replaces `out` with the body for `data`.
    ///
    /// # Errors
    /// [`PushError::ReservedLabel`] when a view carries `job` or a grouping label: nothing is
    /// to be sent then. Other views the encoder leaves out (name collisions, …) are logged and
    /// the rest is encoded.
    pub(crate) fn encode(&mut self, data: &[ViewData], out: &mut Vec<u8>) -> Result<(), PushError> {
        out.clear();
        let target = match self.format {
            Format::Text => &mut *out,
            Format::ProtobufDelimited => {
                self.check.clear();
                &mut self.check
            }
        };
        let report = self.encoder.encode_text(data, target);
        let mut skipped = HashSet::new();
        for err in report.skipped {
            if let EncodeError::ReservedLabel {
                view,
                tag_key,
                label,
                ..
            } = err
            {
                out.clear();
                return Err(PushError::ReservedLabel {
                    view,
                    tag_key,
                    label,
                });
            }
            tracing::warn!(error = %err, "census-pushgateway: a view is left out of the push");
            if let Some(view) = skipped_view(&err) {
                skipped.insert(view);
            }
        }
        if self.format == Format::ProtobufDelimited {
            let opts = self.encoder.options().clone();
            let mut names = HashSet::new();
            for vd in data {
                if skipped.contains(vd.view.name()) {
                    continue;
                }
                let mark = out.len();
                let name = proto::write_family(out, vd, &opts, &mut self.proto);
                if !names.insert(name) {
                    out.truncate(mark); // a collision the text encoder resolved the same way
                }
            }
        }
        Ok(())
    }
}

/// The view an encode error left out, when it is not the kept side of a same-name collision.
fn skipped_view(err: &EncodeError) -> Option<String> {
    match err {
        EncodeError::NameCollision { skipped, kept, .. } if skipped != kept => {
            Some(skipped.clone())
        }
        EncodeError::NameCollision { .. } => None,
        EncodeError::BucketLabelClash { view, .. }
        | EncodeError::DuplicateLabel { view, .. }
        | EncodeError::ReservedLabel { view, .. }
        | EncodeError::UnsupportedData { view, .. } => Some(view.clone()),
        _ => None,
    }
}
