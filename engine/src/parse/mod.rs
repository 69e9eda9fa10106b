//! Parsing: text → YAML documents of spanned nodes.

pub mod node;
pub mod yaml;
