//! The census prometheus exporter (in progress).
