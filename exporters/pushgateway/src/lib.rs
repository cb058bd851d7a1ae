//! The census pushgateway exporter (in progress).
