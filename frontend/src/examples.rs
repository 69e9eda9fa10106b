//! Example scenarios, compiled into the binary (no request after load). The first one is the
//! classic demo; the page opens with it when there is no saved text and no share link.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Example {
    /// Stable identifier (used in the examples menu).
    pub id: &'static str,
    pub title: &'static str,
    pub text: &'static str,
}

pub const EXAMPLES: &[Example] = &[
    Example {
        id: "demo",
        title: "Demo: Service → httpd Deployment (all open)",
        text: include_str!("../../static/examples/01-demo.yaml"),
    },
    Example {
        id: "demo-deny",
        title: "Demo + deny-by-default (calls blocked)",
        text: include_str!("../../static/examples/02-demo-deny.yaml"),
    },
    Example {
        id: "wordpress",
        title: "WordPress + MySQL (only WordPress reaches MySQL)",
        text: include_str!("../../static/examples/03-wordpress-mysql.yaml"),
    },
    Example {
        id: "cross-namespace",
        title: "Cross-namespace access",
        text: include_str!("../../static/examples/04-cross-namespace.yaml"),
    },
    Example {
        id: "egress-dns",
        title: "Egress with DNS",
        text: include_str!("../../static/examples/05-egress-dns.yaml"),
    },
    Example {
        id: "ipblock",
        title: "ipBlock to the outside",
        text: include_str!("../../static/examples/06-ipblock.yaml"),
    },
    Example {
        id: "named-ports",
        title: "Named ports",
        text: include_str!("../../static/examples/07-named-ports.yaml"),
    },
    Example {
        id: "admin-tiers",
        title: "Admin tiers: a Deny over teams, a Pass to them",
        text: include_str!("../../static/examples/08-admin-tiers.yaml"),
    },
];

pub fn by_id(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_analyzes_without_errors() {
        for ex in EXAMPLES {
            let a = engine::analyze(&[engine::Source::new("editor", ex.text)]);
            let errors: Vec<_> = a
                .diagnostics
                .iter()
                .filter(|d| d.severity == engine::Severity::Error)
                .map(|d| d.message.clone())
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", ex.id);
            assert!(!a.cluster.pods.is_empty(), "{}", ex.id);
        }
    }

    #[test]
    fn the_demo_comes_first() {
        let first = EXAMPLES.first().map(|e| e.id);
        assert_eq!(first, Some("demo"));
        let a = engine::analyze(&[engine::Source::new("editor", EXAMPLES[0].text)]);
        assert_eq!(a.cluster.workloads.len(), 1);
        assert_eq!(a.cluster.pods.len(), 4);
        assert_eq!(a.cluster.services.len(), 1);
        assert!(a.cluster.policies.is_empty());
        assert!(by_id("demo-deny").is_some_and(|e| e.text.contains("deny-by-default")));
    }
}
