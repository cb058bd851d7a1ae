//! Encoding benchmark (written next).

fn main() {}
