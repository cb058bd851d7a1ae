//! Nothing here: the package holds the examples in `examples/` (see Cargo.toml).
