#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

//! Explanations of named corpus cases, kept as reviewed snapshots (insta): a change in wording
//! shows up in review instead of slipping through.

use engine::{analyze, Protocol, Source};

fn explain(case: &str, from: &str, to: &str, port: u16, protocol: Protocol) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(case);
    let text = std::fs::read_to_string(dir.join("manifests.yaml")).unwrap();
    let a = analyze(&[Source::new("manifests.yaml", text)]);
    let v = a.verdict(
        a.resolve(from).unwrap(),
        a.resolve(to).unwrap(),
        port,
        protocol,
    );
    a.explain(&v)
}

macro_rules! snap {
    ($name:ident, $case:expr, $from:expr, $to:expr, $port:expr) => {
        snap!($name, $case, $from, $to, $port, Protocol::Tcp);
    };
    ($name:ident, $case:expr, $from:expr, $to:expr, $port:expr, $proto:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(explain($case, $from, $to, $port, $proto));
        }
    };
}

snap!(
    demo_deny_by_default,
    "demo-httpd-centos-deny-by-default",
    "default/pod-centos",
    "service:default/svc-clusterip-httpd",
    80
);
snap!(
    demo_deny_plus_allow,
    "demo-httpd-centos-deny-plus-allow",
    "default/pod-intruder",
    "service:default/svc-clusterip-httpd",
    80
);
snap!(
    wordpress_mysql_denied,
    "demo-wordpress-mysql",
    "default/debug",
    "service:default/wordpress-mysql",
    3306
);
snap!(
    peer_and_vs_or,
    "p06-peer-and-vs-or",
    "ops/worker",
    "app/and-target",
    9100
);
snap!(
    notin_absent_key,
    "p07-notin-absent-key",
    "default/prod-client",
    "default/api",
    80
);
snap!(
    named_port_per_destination,
    "p09-named-port-per-destination",
    "default/client",
    "default/web-b",
    8080
);
snap!(
    service_port_equals_policy_port,
    "p10-service-port-equals-policy-port",
    "default/frontend",
    "service:default/backend-svc",
    80
);
snap!(
    service_targetport,
    "p10-service-targetport",
    "default/stranger",
    "service:default/api",
    80
);
snap!(
    ipblock_except,
    "p06-ipblock-except",
    "10.1.2.3",
    "default/api",
    8080
);
snap!(
    podselector_own_namespace,
    "p06-podselector-peer-own-namespace-only",
    "staging/frontend",
    "shop/backend",
    8080
);
snap!(
    egress_dns_udp,
    "p09-protocol-defaults-tcp-dns",
    "default/app",
    "kube-system/coredns",
    53,
    Protocol::Udp
);
snap!(
    hostnetwork,
    "p12-hostnetwork",
    "default/netcheck",
    "monitoring/node-agent",
    9100
);
snap!(
    doc_example_allowed,
    "doc-networkpolicy-example",
    "other/legacy",
    "default/redis",
    6379
);
snap!(
    service_named_targetport,
    "p10-service-named-targetport",
    "shop/client",
    "service:shop/web",
    80
);
snap!(
    admin_pass_to_networkpolicy,
    "a08-v2-pass-to-np",
    "x/a",
    "y/b",
    8080
);
snap!(
    admin_pass_to_baseline_v1alpha1,
    "a08-v1-pass-to-baseline",
    "x/a",
    "y/b",
    8080
);
