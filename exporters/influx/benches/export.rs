//! Placeholder (the batch export bench follows).
fn main() {}
