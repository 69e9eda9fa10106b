//! Netpol engine: Kubernetes NetworkPolicy semantics, explained.
//!
//! The pipeline, one module per stage:
//! 1. [`parse`] — YAML/JSON text → documents of spanned nodes;
//! 2. [`lower`] — API-server defaulting and validation → the [`model::Cluster`] + diagnostics;
//! 3. [`evaluate`] — verdicts with provenance, per direction ([`selector`] matches labels,
//!    [`ports`] holds port sets, [`net`] CIDRs); [`connectivity`] computes whole matrices fast;
//! 4. [`explanation`] — verdicts → typed, serializable explanations; [`explain`] renders them as
//!    sentences; [`lint`] — valid but suspicious manifests.
//!
//! The crate does no I/O, reads no clock, spawns no thread and never panics on input, so the
//! same code runs in the `netpol` CLI and in the browser.

pub mod admin;
pub mod analysis;
pub mod completion;
pub mod connectivity;
pub mod diagnostic;
pub mod evaluate;
pub mod expect;
pub mod explain;
pub mod explanation;
pub mod fix;
mod intern;
pub mod lesson;
pub mod lint;
pub mod lower;
pub mod model;
pub mod net;
pub mod parse;
pub mod pod_index;
pub mod ports;
pub mod resolve;
pub mod selector;
pub mod span;
pub mod suggest;

pub use analysis::{analyze, analyze_with, Analysis, CniFlag, Hop, Target, Verdict};
pub use diagnostic::{Code, Diagnostic, Severity};
pub use explanation::{Explanation, SpanRef};
pub use lower::{Options, Validate};
pub use model::Direction;
pub use ports::{PortSet, Protocol};
pub use span::{Pos, Source, Span};
