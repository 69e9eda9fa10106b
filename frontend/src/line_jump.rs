//! Where a `line N` link jumps in the editor: the largest span of the manifests starting on
//! that line (a policy, a rule, an object), so the whole construct is highlighted.

use engine::Analysis;

/// The largest span of the manifests (policy, rule, object) that starts on `line`.
pub fn span_at_line(a: &Analysis, line: u32) -> (u32, u32) {
    let c = &a.cluster;
    let mut spans = Vec::new();
    for p in &c.policies {
        spans.push(p.span);
        for r in p.ingress.iter().chain(p.egress.iter()) {
            spans.push(r.span);
            spans.extend(r.peers.iter().flatten().map(|p| p.span));
        }
    }
    spans.extend(c.pods.iter().map(|p| p.span));
    spans.extend(c.workloads.iter().map(|w| w.span));
    spans.extend(c.services.iter().map(|s| s.span));
    spans
        .into_iter()
        .filter(|s| s.start.line == line && s.source == 0)
        .map(|s| {
            // An exclusive end at column 1 ends on the line before.
            let end = if s.end.col <= 1 && s.end.line > s.start.line {
                s.end.line - 1
            } else {
                s.end.line
            };
            (s.start.line, end.max(s.start.line))
        })
        .max_by_key(|&(a, b)| b - a)
        .unwrap_or((line, line))
}
