//! View data to request body: census-prometheus's model, written in the push format.
//!
//! The text body *is* census-prometheus's text 0.0.4 exposition (the very code the pull
//! exporter serves), the protobuf body its protobuf writer; both read one model, whose skip
//! report decides, before anything is written, whether the push may go out at all.

use census_prometheus::{EncodeError, Encoder, ExpositionOptions, Format};
use census_sdk::ViewData;

use crate::error::PushError;

/// Encodes bodies for one exporter; keeps its buffers between pushes.
#[derive(Debug)]
pub(crate) struct BodyEncoder {
    encoder: Encoder,
    format: Format,
}

impl BodyEncoder {
    /// `opts` must already reserve `job` and the grouping labels; `format` is one the
    /// gateway accepts (checked by the builder).
    pub(crate) fn new(opts: ExpositionOptions, format: Format) -> Self {
        BodyEncoder {
            encoder: Encoder::new(opts),
            format,
        }
    }

    /// Replaces `out` with the body for `data`.
    ///
    /// # Errors
    /// [`PushError::ReservedLabel`] when a view carries `job` or a grouping label: nothing is
    /// to be sent then. Other views the model leaves out (name collisions, …) are logged and
    /// the rest is encoded.
    pub(crate) fn encode(&mut self, data: &[ViewData], out: &mut Vec<u8>) -> Result<(), PushError> {
        out.clear();
        let model = self.encoder.model(data, self.format);
        for err in model.skipped() {
            if let EncodeError::ReservedLabel {
                view,
                tag_key,
                label,
                ..
            } = err
            {
                return Err(PushError::ReservedLabel {
                    view: view.clone(),
                    tag_key: tag_key.clone(),
                    label: label.clone(),
                });
            }
        }
        for err in model.skipped() {
            tracing::warn!(error = %err, view = err.view(), "census-pushgateway: a view is left out of the push");
        }
        self.encoder.write(model, out);
        Ok(())
    }
}
