#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

//! Every validation error and lint on a minimal input: the code, the message, and the exact line
//! and column of the offending field (not just of the document).

use engine::{analyze, Code, Diagnostic, Severity, Source};

/// 1-based (line, column) of the first occurrence of `needle`; in `context|target`, of `target`
/// where it follows `context`.
fn at(text: &str, needle: &str) -> (u32, u32) {
    let (context, target) = needle.split_once('|').unwrap_or(("", needle));
    let whole = format!("{context}{target}");
    let idx = text
        .find(&whole)
        .unwrap_or_else(|| panic!("`{whole}` not in the input"))
        + context.len();
    let before = &text[..idx];
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
    (line, col)
}

fn diags(text: &str) -> Vec<Diagnostic> {
    analyze(&[Source::new("t.yaml", text)]).diagnostics
}

/// Asserts a diagnostic with `code` starts exactly at `needle` and its message contains `msg`.
#[track_caller]
fn expect(text: &str, code: Code, needle: &str, msg: &str) -> Diagnostic {
    let (line, col) = at(text, needle);
    let all = diags(text);
    let found = all
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no {code:?} in {all:#?}"));
    let span = found.span.expect("span");
    assert_eq!(
        (span.start.line, span.start.col),
        (line, col),
        "{code:?} at the wrong place: {found:#?}"
    );
    assert!(
        found.message.contains(msg),
        "message `{}` lacks `{msg}`",
        found.message
    );
    found.clone()
}

const POLICY_HEAD: &str = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n  namespace: default\nspec:\n";

fn policy(spec: &str) -> String {
    format!("{POLICY_HEAD}{spec}")
}

fn assert_policy_dropped(text: &str) {
    let a = analyze(&[Source::new("t.yaml", text)]);
    assert!(
        a.cluster.policies.is_empty(),
        "an invalid policy must drop out"
    );
}

#[test]
fn yaml_syntax_error_names_line_and_column_and_keeps_other_documents() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n---\nkind: Pod\nmetadata: {name: [b\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: c\n";
    let all = diags(text);
    let d = all
        .iter()
        .find(|d| d.code == Code::YamlSyntax)
        .expect("syntax error");
    assert_eq!(d.span.unwrap().start.line, 8);
    assert!(d.message.starts_with("invalid YAML"));
    let a = analyze(&[Source::new("t.yaml", text)]);
    let names: Vec<_> = a.cluster.pods.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["a", "c"]);
}

#[test]
fn unknown_field_with_suggestion() {
    let text = policy("  podselector: {}\n");
    let d = expect(
        &text,
        Code::UnknownField,
        "podselector",
        "unknown field `podselector` in `spec`",
    );
    // kubectl validates strictly by default: the policy is refused, not half-applied.
    assert_eq!(d.severity, Severity::Error);
    assert!(d.help.unwrap().contains("did you mean `podSelector`?"));
    let a = analyze(&[Source::new("t.yaml", &text)]);
    assert!(a.cluster.policies.is_empty());
    assert_eq!(a.cluster.rejected.len(), 1);
    assert!(a.cluster.rejected[0]
        .reason
        .contains("unknown field `podselector`"));
    // --validate=warn keeps it, without the field.
    let a = warn_mode(&text);
    assert_eq!(a.cluster.policies.len(), 1);
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code == Code::UnknownField)
        .unwrap();
    assert_eq!(d.severity, Severity::Warning);
}

/// The first diagnostic of `code` when `text` is analysed with `--validate=warn`.
fn warned(text: &str, code: Code) -> engine::Diagnostic {
    warn_mode(text)
        .diagnostics
        .into_iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no {code:?} in warn mode"))
}

fn warn_mode(text: &str) -> engine::Analysis {
    engine::analyze_with(
        &[Source::new("t.yaml", text)],
        &engine::Options {
            default_namespace: None,
            validate: engine::Validate::Warn,
        },
    )
}

#[test]
fn unknown_operator() {
    let text = policy("  podSelector:\n    matchExpressions:\n    - key: app\n      operator: Inn\n      values: [a]\n");
    let d = expect(
        &text,
        Code::InvalidSelector,
        "Inn",
        "unknown operator `Inn`",
    );
    assert!(d.help.unwrap().contains("`In`"));
    assert_policy_dropped(&text);
}

#[test]
fn values_with_exists() {
    let text = policy("  podSelector:\n    matchExpressions:\n    - key: app\n      operator: Exists\n      values: [a]\n");
    expect(
        &text,
        Code::InvalidSelector,
        "[a]",
        "`values` must be empty when `operator` is `Exists`",
    );
    assert_policy_dropped(&text);
}

#[test]
fn in_without_values() {
    let text =
        policy("  podSelector:\n    matchExpressions:\n    - key: app\n      operator: In\n");
    expect(
        &text,
        Code::InvalidSelector,
        "In\n",
        "`values` must be non-empty when `operator` is `In`",
    );
}

#[test]
fn port_out_of_range() {
    let text = policy("  podSelector: {}\n  ingress:\n  - ports:\n    - port: 70000\n");
    expect(&text, Code::InvalidPort, "70000", "70000 is out of range");
    assert_policy_dropped(&text);
}

#[test]
fn end_port_without_port() {
    let text = policy("  podSelector: {}\n  ingress:\n  - ports:\n    - endPort: 90\n");
    expect(
        &text,
        Code::InvalidEndPort,
        "90",
        "`endPort` needs a numeric `port`",
    );
}

#[test]
fn end_port_below_port() {
    let text =
        policy("  podSelector: {}\n  egress:\n  - ports:\n    - port: 100\n      endPort: 90\n");
    expect(
        &text,
        Code::InvalidEndPort,
        "90",
        "must be greater than or equal to `port` 100",
    );
}

#[test]
fn end_port_with_named_port() {
    let text =
        policy("  podSelector: {}\n  ingress:\n  - ports:\n    - port: http\n      endPort: 90\n");
    expect(
        &text,
        Code::InvalidEndPort,
        "90",
        "cannot be used with the named port `http`",
    );
}

#[test]
fn ip_block_mixed_with_selector() {
    let text = policy("  podSelector: {}\n  ingress:\n  - from:\n    - podSelector: {}\n      ipBlock:\n        cidr: 10.0.0.0/8\n");
    expect(
        &text,
        Code::InvalidPeer,
        "ipBlock",
        "may not specify both `ipBlock` and another peer",
    );
    assert_policy_dropped(&text);
}

#[test]
fn empty_peer() {
    let text = policy("  podSelector: {}\n  ingress:\n  - from:\n    - {}\n");
    expect(&text, Code::InvalidPeer, "- |{}\n", "must specify a peer");
}

#[test]
fn invalid_cidr() {
    let text = policy(
        "  podSelector: {}\n  egress:\n  - to:\n    - ipBlock:\n        cidr: 10.0.0.300/8\n",
    );
    expect(
        &text,
        Code::InvalidCidr,
        "10.0.0.300/8",
        "invalid CIDR `10.0.0.300/8`",
    );
}

#[test]
fn except_outside_cidr() {
    let text = policy("  podSelector: {}\n  egress:\n  - to:\n    - ipBlock:\n        cidr: 10.0.0.0/16\n        except:\n        - 192.168.0.0/24\n");
    expect(
        &text,
        Code::InvalidExcept,
        "192.168.0.0/24",
        "must be a strict subset of `cidr` `10.0.0.0/16`",
    );
}

#[test]
fn unknown_protocol_suggests_upper_case() {
    let text =
        policy("  podSelector: {}\n  ingress:\n  - ports:\n    - protocol: tcp\n      port: 80\n");
    let d = expect(
        &text,
        Code::InvalidProtocol,
        "tcp",
        "unsupported protocol `tcp`",
    );
    assert!(d.help.unwrap().contains("`TCP`"));
}

#[test]
fn unknown_policy_type() {
    let text = policy("  podSelector: {}\n  policyTypes: [Ingress, Egres]\n");
    expect(
        &text,
        Code::InvalidPolicyType,
        "Egres",
        "unsupported policy type `Egres`",
    );
}

#[test]
fn label_value_of_the_wrong_type() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  labels:\n    version: 2\n";
    let d = expect(
        text,
        Code::WrongType,
        "2\n",
        "must be a string, found an integer",
    );
    assert!(d.help.unwrap().contains("\"2\""));
}

#[test]
fn invalid_label_value() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  labels:\n    app: -web\n";
    expect(
        text,
        Code::InvalidLabel,
        "-web",
        "invalid label value `-web`",
    );
}

#[test]
fn missing_kind() {
    let text = "apiVersion: v1\nmetadata:\n  name: a\n";
    expect(
        text,
        Code::MissingField,
        "apiVersion",
        "missing field `kind`",
    );
}

#[test]
fn unknown_kind_is_a_warning() {
    let text = "apiVersion: v1\nkind: Ingress\nmetadata:\n  name: a\n";
    let d = expect(
        text,
        Code::UnknownKind,
        "Ingress",
        "kind `Ingress` is not analysed",
    );
    assert_eq!(d.severity, Severity::Warning);
}

#[test]
fn invalid_name() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: Web_1\n";
    expect(text, Code::InvalidName, "Web_1", "invalid name `Web_1`");
}

#[test]
fn duplicate_key() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n";
    expect(
        text,
        Code::DuplicateKey,
        "name: b",
        "mapping key `name` is defined twice",
    );
}

#[test]
fn container_port_out_of_range_drops_only_that_port() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n  - name: c\n    ports:\n    - containerPort: 0\n    - containerPort: 80\n";
    expect(text, Code::InvalidPort, "0\n", "between 1 and 65535");
    let a = analyze(&[Source::new("t.yaml", text)]);
    assert_eq!(a.cluster.pods.len(), 1);
    assert_eq!(a.cluster.pods[0].ports.len(), 1);
}

// ---- lints ----

const NS_AND_PODS: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: default\n  labels: {app: web}\nspec:\n  containers:\n  - name: c\n    ports:\n    - {name: http, containerPort: 8080}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  namespace: other\n  labels: {app: api}\n---\n";

#[test]
fn lint_no_dns_egress() {
    let text = format!(
        "{NS_AND_PODS}{}",
        policy("  podSelector: {}\n  policyTypes: [Egress]\n")
    );
    let d = expect(
        &text,
        Code::LintNoDnsEgress,
        "apiVersion: networking",
        "isolates egress but no policy allows DNS",
    );
    assert!(d.help.unwrap().contains("kube-dns"));
}

/// Egress to every port counts as allowing DNS only when its peers may be the cluster DNS: pods
/// of the policy's own namespace only cannot (DNS runs in `kube-system`); another namespace's
/// or an ipBlock may.
#[test]
fn lint_no_dns_egress_looks_at_the_peers() {
    for (egress, flagged) in [
        ("  - to: [{podSelector: {}}]\n", true),
        (
            "  - to: [{podSelector: {}}]\n    ports: [{port: 53, protocol: UDP}]\n",
            true,
        ),
        ("  - to: [{namespaceSelector: {}}]\n", false),
        ("  - to: [{ipBlock: {cidr: 10.0.0.0/8}}]\n", false),
        ("  - {}\n", false),
    ] {
        let text = format!(
            "{NS_AND_PODS}{}",
            policy(&format!(
                "  podSelector: {{}}\n  policyTypes: [Egress]\n  egress:\n{egress}"
            ))
        );
        let a = analyze(&[Source::new("t.yaml", &text)]);
        assert_eq!(
            a.diagnostics
                .iter()
                .any(|d| d.code == Code::LintNoDnsEgress),
            flagged,
            "{egress}: {:#?}",
            a.diagnostics
        );
    }
}

#[test]
fn lint_dns_port_tcp_only() {
    let text = format!(
        "{NS_AND_PODS}{}",
        policy("  podSelector: {}\n  egress:\n  - ports:\n    - port: 53\n")
    );
    expect(
        &text,
        Code::LintDnsPortTcpOnly,
        "port: 53",
        "port 53 without `protocol` is TCP only",
    );
}

#[test]
fn lint_peer_with_both_selectors() {
    // `api` is in namespace `other` (team=a), `web` in `default`: the AND of namespace team=a and
    // pod app=web matches nobody, although each alone matches a pod.
    let ns =
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: other\n  labels: {team: a}\n---\n";
    let text = format!(
        "{NS_AND_PODS}{ns}{}",
        policy("  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels: {team: a}\n      podSelector:\n        matchLabels: {app: web}\n")
    );
    expect(
        &text,
        Code::LintPeerSelectorsCombined,
        "namespaceSelector",
        "needs BOTH namespace",
    );
    // The intended AND (namespace team=a AND pod app=api) is not flagged.
    let ok = format!(
        "{NS_AND_PODS}{ns}{}",
        policy("  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels: {team: a}\n      podSelector:\n        matchLabels: {app: api}\n")
    );
    assert!(!diags(&ok)
        .iter()
        .any(|d| d.code == Code::LintPeerSelectorsCombined));
}

#[test]
fn lint_pod_selector_never_reaches_other_namespaces() {
    let text = format!("{NS_AND_PODS}{}", policy("  podSelector: {}\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels: {app: api}\n"));
    expect(
        &text,
        Code::LintPodSelectorOtherNamespace,
        "matchLabels: {app: api}",
        "only matches pods in `default`",
    );
}

#[test]
fn lint_rules_ignored_by_policy_types() {
    let text = format!(
        "{NS_AND_PODS}{}",
        policy("  podSelector: {}\n  policyTypes: [Ingress]\n  egress:\n  - {}\n")
    );
    expect(
        &text,
        Code::LintDirectionNotInPolicyTypes,
        "egress:\n  - |{}",
        "does not list `Egress`: they are ignored",
    );
}

#[test]
fn lint_allow_all_voids_deny() {
    let deny = policy("  podSelector: {}\n  policyTypes: [Ingress]\n")
        .replace("name: p\n", "name: deny\n");
    let allow =
        policy("  podSelector: {}\n  ingress:\n  - {}\n").replace("name: p\n", "name: allow-all\n");
    let text = format!("{NS_AND_PODS}{deny}---\n{allow}");
    expect(
        &text,
        Code::LintAllowAllVoidsDeny,
        "ingress:\n  - |{}",
        "restrictions of `default/deny` have no effect",
    );
}

#[test]
fn lint_selects_nothing() {
    let text = format!(
        "{NS_AND_PODS}{}",
        policy("  podSelector:\n    matchLabels: {app: wbe}\n")
    );
    expect(
        &text,
        Code::LintSelectsNothing,
        "matchLabels: {app: wbe}",
        "selects no pod",
    );
}

#[test]
fn lint_named_port_undefined() {
    let text = format!(
        "{NS_AND_PODS}{}",
        policy("  podSelector: {}\n  ingress:\n  - ports:\n    - port: metrics\n")
    );
    expect(
        &text,
        Code::LintNamedPortUndefined,
        "port: metrics",
        "no destination pod defines a container port named `metrics`",
    );
}

#[test]
fn lint_service_port_in_policy() {
    let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: default\nspec:\n  selector: {app: web}\n  ports:\n  - port: 80\n    targetPort: 8080\n---\n";
    let text = format!(
        "{NS_AND_PODS}{svc}{}",
        policy("  podSelector: {}\n  ingress:\n  - ports:\n    - port: 80\n")
    );
    let d = expect(
        &text,
        Code::LintServicePortInPolicy,
        "- ports:\n    - |port: 80",
        "port 80 is the port of Service `default/web`",
    );
    assert!(d.help.unwrap().contains("8080"));
}

#[test]
fn lint_ip_block_on_pod_ip() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: db\n  namespace: default\nstatus:\n  podIP: 10.1.2.3\n---\n";
    let text = format!(
        "{pod}{}",
        policy(
            "  podSelector: {}\n  egress:\n  - to:\n    - ipBlock:\n        cidr: 10.1.0.0/16\n"
        )
    );
    expect(
        &text,
        Code::LintIpBlockOnPodIp,
        "ipBlock",
        "contains pod IPs (default/db)",
    );
}

#[test]
fn lint_missing_namespace() {
    let text = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\nspec:\n  podSelector: {}\n";
    expect(
        text,
        Code::LintMissingNamespace,
        "p\n",
        "it applies to `default`",
    );
}

#[test]
fn lint_duplicate_policy() {
    let one = policy("  podSelector: {}\n");
    let text = format!("{one}---\n{one}");
    let all = diags(&text);
    let d = all
        .iter()
        .find(|d| d.code == Code::LintDuplicatePolicy)
        .expect("duplicate");
    assert_eq!(d.span.unwrap().start.line, 9);
    assert!(d.message.contains("`default/p` is defined more than once"));
}

#[test]
fn lint_host_network() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\nspec:\n  hostNetwork: true\n";
    expect(
        text,
        Code::LintHostNetwork,
        "apiVersion",
        "uses `hostNetwork: true`",
    );
}

// ---- the AND/OR slip, Services without backends, and lint cost on large inputs ----

#[test]
fn lint_peers_and_ports_split_into_two_rules() {
    let text = format!(
        "{NS_AND_PODS}{}",
        policy("  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - from:\n    - podSelector: {matchLabels: {app: api}}\n  - ports:\n    - port: 8080\n")
    );
    let d = expect(
        &text,
        Code::LintPeersPortsSplit,
        "  - |ports:\n    - port: 8080",
        "ingress rule 2 of `default/p` has `ports` but no `from`: it opens 8080/TCP to every source, and rule 1 opens every port to its peers",
    );
    assert_eq!(d.severity, Severity::Warning);
    assert!(d.help.unwrap().contains("delete the `-` before `ports`"));
    // Egress: the same slip with `to`.
    let text = format!(
        "{NS_AND_PODS}{}",
        policy("  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - ports:\n    - {port: 5432}\n  - to:\n    - podSelector: {matchLabels: {app: db}}\n")
    );
    expect(
        &text,
        Code::LintPeersPortsSplit,
        "  - |ports:",
        "egress rule 1 of `default/p` has `ports` but no `to`: it opens 5432/TCP to every destination, and rule 2",
    );
}

#[test]
fn lint_peers_and_ports_in_one_rule_or_dns_anywhere_are_fine() {
    for spec in [
        // One rule: peers AND ports, as meant.
        "  podSelector: {}\n  ingress:\n  - from:\n    - podSelector: {matchLabels: {app: api}}\n    ports:\n    - port: 8080\n",
        // DNS to anywhere next to a peer rule is deliberate.
        "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - ports:\n    - {port: 53, protocol: UDP}\n    - {port: 53, protocol: TCP}\n  - to:\n    - podSelector: {matchLabels: {app: db}}\n",
        // Not neighbours of a peers-only rule.
        "  podSelector: {}\n  ingress:\n  - ports:\n    - port: 8080\n",
    ] {
        let text = format!("{NS_AND_PODS}{}", policy(spec));
        let all = diags(&text);
        assert!(
            !all.iter().any(|d| d.code == Code::LintPeersPortsSplit),
            "{spec}: {all:#?}"
        );
    }
}

#[test]
fn lint_service_without_backends() {
    let svc = |sel: &str| {
        format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: default\nspec:\n  selector: {sel}\n  ports:\n  - port: 80\n---\n")
    };
    let text = format!("{NS_AND_PODS}{}", svc("{app: wbe}"));
    let d = expect(
        &text,
        Code::LintServiceNoBackends,
        "selector: |{app: wbe}",
        "Service `default/web` selects no pod: no pod in `default` has labels `app=wbe`",
    );
    assert_eq!(d.severity, Severity::Warning);
    // Pods of another namespace do not count: `api` is in `other`.
    let text = format!("{NS_AND_PODS}{}", svc("{app: api}"));
    expect(
        &text,
        Code::LintServiceNoBackends,
        "selector: |{app: api}",
        "selects no pod",
    );
    // Backed, or selectorless (endpoints managed elsewhere): nothing to say.
    for sel in ["{app: web}", "{}"] {
        let text = format!("{NS_AND_PODS}{}", svc(sel));
        assert!(
            !diags(&text)
                .iter()
                .any(|d| d.code == Code::LintServiceNoBackends),
            "{sel}"
        );
    }
    // Inside a `List`, the span is still the selector's.
    let list = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: web, namespace: default}\n  spec:\n    selector: {app: wbe}\n";
    let text = format!("{NS_AND_PODS}{list}");
    expect(
        &text,
        Code::LintServiceNoBackends,
        "selector: |{app: wbe}",
        "selects no pod",
    );
}

/// Lints on a large input report every instance (their cost is measured by the benchmarks, never by
/// a timed test: timings flake on shared machines).
#[test]
fn lints_report_every_instance_on_large_inputs() {
    fn input(n: usize) -> String {
        let mut s = String::new();
        for i in 0..n {
            s.push_str(&format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, namespace: ns{}, labels: {{app: a{i}}}}}\n---\n", i % 50));
            s.push_str(&format!("apiVersion: v1\nkind: Service\nmetadata: {{name: s{i}, namespace: ns{}}}\nspec: {{selector: {{app: a{}}}, ports: [{{port: 80}}]}}\n---\n", i % 50, i + i % 2));
            if i % 4 == 0 {
                s.push_str(&format!("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: np{i}, namespace: ns{}}}\nspec:\n  podSelector: {{matchLabels: {{app: a{i}}}}}\n  ingress:\n  - from: [{{podSelector: {{matchLabels: {{app: a{}}}}}}}]\n  - ports: [{{port: 80}}]\n---\n", i % 50, i + 1));
            }
        }
        s
    }
    for n in [1000, 4000] {
        let a = analyze(&[Source::new("big.yaml", input(n))]);
        let count = |c: Code| a.diagnostics.iter().filter(|d| d.code == c).count();
        assert_eq!(count(Code::LintServiceNoBackends), n / 2);
        assert_eq!(count(Code::LintPeersPortsSplit), n.div_ceil(4));
    }
}

const DEPLOYMENT_WEB: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: w, image: nginx:1.25}]}\n---\n";

#[test]
fn pod_template_hash_in_a_selector_is_unknown_for_generated_pods() {
    // matchLabels key, then a matchExpressions key: both located at the key.
    let text = format!(
        "{DEPLOYMENT_WEB}{}",
        policy("  podSelector:\n    matchLabels:\n      pod-template-hash: 7c5ddbdf54\n")
    );
    let d = expect(
        &text,
        Code::GeneratedLabelUnknown,
        "matchLabels:\n      |pod-template-hash",
        "`pod-template-hash` is computed by the Deployment controller",
    );
    assert_eq!(d.severity, Severity::Warning);
    let text = format!(
        "{DEPLOYMENT_WEB}{}",
        policy("  podSelector:\n    matchExpressions:\n    - {key: pod-template-hash, operator: Exists}\n")
    );
    expect(
        &text,
        Code::GeneratedLabelUnknown,
        "key: |pod-template-hash",
        "pod-template-hash",
    );
    // Real pods given (a dump): the label is known, no warning.
    let pods = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-7c5ddbdf54-abcde\n  namespace: default\n  labels: {app: web, pod-template-hash: 7c5ddbdf54}\n---\n";
    let text = format!(
        "{pods}{}",
        policy("  podSelector:\n    matchLabels:\n      pod-template-hash: 7c5ddbdf54\n")
    );
    assert!(!diags(&text)
        .iter()
        .any(|d| d.code == Code::GeneratedLabelUnknown));
}

#[test]
fn foreign_policies_warn_once_and_are_kept() {
    let text = "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: p, namespace: default}\nspec:\n  selector: all()\n---\napiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {name: c}\nspec:\n  endpointSelector: {}\n";
    let d = expect(
        text,
        Code::ForeignPolicy,
        "NetworkPolicy",
        "not simulated: a Calico policy (`projectcalico.org/v3 NetworkPolicy default/p`) — real traffic may differ",
    );
    assert_eq!(d.severity, Severity::Warning);
    let a = analyze(&[Source::new("t.yaml", text)]);
    assert!(
        a.cluster.policies.is_empty(),
        "a Calico policy is not applied"
    );
    assert_eq!(a.cluster.foreign_policies.len(), 2);
    assert_eq!(a.cluster.foreign_policies[1].namespace, None);
    assert_eq!(
        a.diagnostics
            .iter()
            .filter(|d| d.code == Code::ForeignPolicy)
            .count(),
        2
    );
    // AdminNetworkPolicy is Kubernetes' own admin tier: simulated, never a foreign vendor.
    let anp = "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: a}\nspec: {priority: 10, subject: {namespaces: {}}}\n";
    let a = analyze(&[Source::new("m.yaml", anp)]);
    assert!(
        !a.diagnostics
            .iter()
            .any(|d| matches!(d.code, Code::ForeignPolicy | Code::UnknownKind)),
        "{:#?}",
        a.diagnostics
    );
    assert_eq!(a.cluster.admin_policies.len(), 1);
    assert!(a.cluster.foreign_policies.is_empty());
}

#[test]
fn wrong_api_version_of_a_known_kind_is_rejected() {
    let text = "apiVersion: extensions/v1beta1\nkind: NetworkPolicy\nmetadata: {name: old, namespace: default}\nspec: {podSelector: {}}\n";
    let d = expect(
        text,
        Code::UnknownApiVersion,
        "extensions/v1beta1",
        "`extensions/v1beta1` does not serve kind `NetworkPolicy`",
    );
    assert_eq!(
        d.help
            .as_deref()
            .map(|h| h.contains("networking.k8s.io/v1")),
        Some(true)
    );
    let a = analyze(&[Source::new("t.yaml", text)]);
    assert!(a.cluster.policies.is_empty());
    let r = &a.cluster.rejected[0];
    assert_eq!(
        (r.kind.as_str(), r.namespace.as_str(), r.name.as_str()),
        ("NetworkPolicy", "default", "old")
    );
    assert!(r.reason.contains("does not serve"));
}

#[test]
fn misspelt_kind_gets_a_did_you_mean() {
    let text =
        "apiVersion: networking.k8s.io/v1\nkind: Networkpolicy\nmetadata: {name: p}\nspec: {}\n";
    let d = expect(
        text,
        Code::UnknownKind,
        "Networkpolicy",
        "there is no kind `Networkpolicy`: did you mean `NetworkPolicy`?",
    );
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(
        analyze(&[Source::new("t.yaml", text)])
            .cluster
            .rejected
            .len(),
        1
    );
}

#[test]
fn kinds_that_do_not_affect_traffic_are_counted_not_warned() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n";
    let a = analyze(&[Source::new("t.yaml", text)]);
    assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
    let ignored: Vec<(&str, usize)> = a.ignored.iter().map(|(k, n)| (k.as_str(), *n)).collect();
    assert_eq!(ignored, vec![("ClusterRole", 1), ("ConfigMap", 2)]);
}

#[test]
fn labels_written_directly_in_a_selector() {
    let text = policy("  podSelector: {app: web}\n");
    let d = expect(
        &text,
        Code::UnknownField,
        "{|app",
        "unknown field `app` in `spec.podSelector`",
    );
    assert_eq!(d.severity, Severity::Error);
    assert!(d.help.unwrap().contains("labels go under `matchLabels`"));
    assert_policy_dropped(&text);
    // Warn mode: kept, and the widening is said.
    let a = warn_mode(&text);
    assert_eq!(a.cluster.policies.len(), 1);
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code == Code::UnknownField)
        .unwrap();
    assert!(d.message.contains("selects more"), "{}", d.message);
}

#[test]
fn peers_written_directly_under_a_rule() {
    let text =
        policy("  podSelector: {}\n  ingress:\n  - podSelector:\n      matchLabels: {app: api}\n");
    let d = expect(
        &text,
        Code::UnknownField,
        "- |podSelector:\n      matchLabels",
        "unknown field `podSelector` in `spec.ingress[0]`",
    );
    assert!(d.help.unwrap().contains("peers go under `from:`"));
    assert_policy_dropped(&text);
    let egress = policy("  podSelector: {}\n  egress:\n  - ipBlock: {cidr: 10.0.0.0/8}\n");
    let d = expect(
        &egress,
        Code::UnknownField,
        "ipBlock",
        "unknown field `ipBlock` in `spec.egress[0]`",
    );
    assert!(d.help.unwrap().contains("peers go under `to:`"));
    let d = warned(&text, Code::UnknownField);
    assert_eq!(d.severity, Severity::Warning);
    assert!(
        d.message.contains("this rule now admits every pod"),
        "{}",
        d.message
    );
}

#[test]
fn misspelt_field_in_a_policy_port_names_the_nearest() {
    let text = policy("  podSelector: {}\n  ingress:\n  - ports:\n    - prot: 80\n");
    let d = expect(&text, Code::UnknownField, "prot", "unknown field `prot`");
    assert!(d.help.unwrap().contains("did you mean `port`?"));
    assert_policy_dropped(&text);
}

#[test]
fn quoted_port_number() {
    let text = policy("  podSelector: {}\n  ingress:\n  - ports:\n    - port: \"80\"\n");
    let d = expect(&text, Code::InvalidPort, "\"80\"", "invalid port `\"80\"`");
    assert!(d.message.contains("a quoted number is a port *name*"));
    assert!(d.help.unwrap().contains("remove the quotes: `port: 80`"));
}

#[test]
fn quoted_target_port_number() {
    let text = "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: default}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: \"8080\"}]\n";
    let d = expect(
        text,
        Code::InvalidPort,
        "\"8080\"",
        "invalid targetPort `\"8080\"`",
    );
    assert!(d
        .help
        .unwrap()
        .contains("remove the quotes: `targetPort: 8080`"));
}

#[test]
fn yaml_11_boolean_as_a_name() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: y\n";
    let d = expect(text, Code::WrongType, "y\n", "YAML 1.1");
    assert!(d.message.contains("the unquoted `y` as the boolean true"));
    assert_eq!(d.help.as_deref(), Some("quote it: `\"y\"`"));
}

#[test]
fn unknown_field_in_a_service_spec_refuses_the_service_but_not_a_pod() {
    let text = "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: default}\nspec:\n  selectr: {app: web}\n  ports: [{port: 80}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\nspec:\n  containerz: []\n";
    let d = expect(
        text,
        Code::UnknownField,
        "selectr",
        "unknown field `selectr` in `spec`",
    );
    assert!(d.help.unwrap().contains("did you mean `selector`?"));
    let a = analyze(&[Source::new("t.yaml", text)]);
    assert!(a.cluster.services.is_empty());
    assert_eq!(a.cluster.rejected[0].kind, "Service");
    assert_eq!(a.cluster.pods.len(), 1, "a pod keeps a warning");
    let pod = a
        .diagnostics
        .iter()
        .find(|d| d.message.contains("containerz"))
        .unwrap();
    assert_eq!(pod.severity, Severity::Warning);
    // An unknown field in a Service port refuses the Service too.
    let port = "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: default}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetport: 8080}]\n";
    expect(
        port,
        Code::UnknownField,
        "targetport",
        "unknown field `targetport`",
    );
    assert!(analyze(&[Source::new("t.yaml", port)])
        .cluster
        .services
        .is_empty());
}

#[test]
fn workload_selector_missing_or_not_matching_its_template() {
    let missing = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: w, image: nginx:1.25}]}\n";
    expect(
        missing,
        Code::InvalidSelector,
        "template",
        "has no `spec.selector`",
    );
    let other = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: default}\nspec:\n  selector: {matchLabels: {app: database}}\n  template:\n    metadata: {labels: {app: db}}\n    spec: {containers: [{name: d, image: postgres:16}]}\n";
    expect(
        other,
        Code::InvalidSelector,
        "{matchLabels: {app: database}}",
        "does not match the labels",
    );
    for text in [missing, other] {
        let a = analyze(&[Source::new("t.yaml", text)]);
        assert!(a.cluster.workloads.is_empty() && a.cluster.pods.is_empty());
        assert_eq!(a.cluster.rejected.len(), 1);
    }
}

#[test]
fn duplicate_port_names_within_a_container() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\nspec:\n  containers:\n  - name: c\n    ports:\n    - {name: http, containerPort: 80}\n    - {name: http, containerPort: 8080}\n";
    let d = expect(
        text,
        Code::DuplicatePortName,
        "{name: |http, containerPort: 8080}",
        "duplicate port name `http`",
    );
    assert_eq!(d.severity, Severity::Error);
    assert!(analyze(&[Source::new("t.yaml", text)])
        .cluster
        .pods
        .is_empty());
}

#[test]
fn replicas_out_of_range_has_its_own_code() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec:\n  replicas: -1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n";
    expect(
        text,
        Code::InvalidReplicas,
        "-1",
        "`spec.replicas` -1 is out of range",
    );
}

#[test]
fn job_labels_a_cronjob_or_an_unknown_uid_cannot_give() {
    let cronjob = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly, namespace: default}\nspec:\n  schedule: \"0 2 * * *\"\n  jobTemplate:\n    spec:\n      template:\n        metadata: {labels: {app: report}}\n        spec: {restartPolicy: Never, containers: [{name: r, image: busybox:1.36}]}\n---\n";
    let text = format!(
        "{cronjob}{}",
        policy("  podSelector:\n    matchLabels:\n      job-name: nightly\n")
    );
    let d = expect(
        &text,
        Code::GeneratedLabelUnknown,
        "matchLabels:\n      |job-name",
        "a CronJob's Jobs are named after their schedule time",
    );
    assert_eq!(d.severity, Severity::Warning);
    // A Job without `metadata.uid`: its pods have `job-name` but no `controller-uid`.
    let job = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate, namespace: default}\nspec:\n  template:\n    metadata: {labels: {app: tools}}\n    spec: {restartPolicy: Never, containers: [{name: m, image: busybox:1.36}]}\n---\n";
    let text = format!(
        "{job}{}",
        policy("  podSelector:\n    matchExpressions:\n    - {key: batch.kubernetes.io/controller-uid, operator: Exists}\n    - {key: job-name, operator: In, values: [migrate]}\n")
    );
    expect(
        &text,
        Code::GeneratedLabelUnknown,
        "key: |batch.kubernetes.io/controller-uid",
        "`controller-uid` is the Job's uid",
    );
    assert_eq!(
        diags(&text)
            .iter()
            .filter(|d| d.code == Code::GeneratedLabelUnknown)
            .count(),
        1,
        "`job-name` is known for a Job"
    );
}

#[test]
fn warn_mode_says_when_a_dropped_field_widens_a_rule() {
    let misspelt_from = policy(
        "  podSelector: {}\n  ingress:\n  - form: [{podSelector: {matchLabels: {app: api}}}]\n",
    );
    let d = expect(
        &misspelt_from,
        Code::UnknownField,
        "form",
        "unknown field `form`",
    );
    assert!(d.help.unwrap().contains("did you mean `from`?"));
    let w = warned(&misspelt_from, Code::UnknownField);
    assert!(
        w.message.contains("this rule now admits every pod"),
        "{}",
        w.message
    );
    let misspelt_port = policy("  podSelector: {}\n  ingress:\n  - ports: [{prot: 80}]\n");
    let w = warned(&misspelt_port, Code::UnknownField);
    assert!(
        w.message.contains("this entry now opens every port"),
        "{}",
        w.message
    );
    assert!(w.help.unwrap().contains("did you mean `port`?"));
}

#[test]
fn a_kind_of_another_api_group_is_not_the_kubernetes_kind() {
    let text = "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: hello, namespace: default}\nspec: {template: {spec: {containers: [{image: ghcr.io/knative/helloworld-go:latest}]}}}\n";
    let d = expect(
        text,
        Code::UnknownKind,
        "Service",
        "kind `Service` of `serving.knative.dev/v1` is not the Kubernetes Service",
    );
    assert_eq!(d.severity, Severity::Warning);
    let a = analyze(&[Source::new("t.yaml", text)]);
    assert!(a.cluster.services.is_empty() && a.cluster.rejected.is_empty());
}

#[test]
fn workload_selector_mismatch_is_kept_with_a_warning_under_validate_warn() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: other}}\n    spec: {containers: [{name: c, image: x}]}\n";
    let strict = analyze(&[Source::new("m.yaml", text)]);
    assert!(strict.cluster.workloads.is_empty());
    assert!(strict
        .diagnostics
        .iter()
        .any(|d| d.code == Code::InvalidSelector && d.severity == Severity::Error));
    let options = engine::Options {
        validate: engine::Validate::Warn,
        ..Default::default()
    };
    let warn = engine::analyze_with(&[Source::new("m.yaml", text)], &options);
    assert_eq!(warn.cluster.workloads.len(), 1);
    let d = warn
        .diagnostics
        .iter()
        .find(|d| d.code == Code::InvalidSelector)
        .unwrap();
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(
        warn.cluster.pods[0].labels.get("app").map(String::as_str),
        Some("other")
    );
}

#[test]
fn generated_labels_warn_only_when_no_pod_carries_the_value() {
    // The Job's pod carries `job-name: migrate` and its uid: the selector matches it, although
    // a CronJob's pods carry no job name and no uid.
    let job = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate, namespace: default, uid: 1234-abcd}\nspec:\n  template:\n    metadata: {labels: {app: tools}}\n    spec: {restartPolicy: Never, containers: [{name: m, image: busybox:1.36}]}\n---\n";
    let cron = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly, namespace: default}\nspec:\n  schedule: \"0 0 * * *\"\n  jobTemplate:\n    spec:\n      template:\n        metadata: {labels: {app: nightly}}\n        spec: {restartPolicy: Never, containers: [{name: n, image: busybox:1.36}]}\n---\n";
    let text = format!(
        "{job}{cron}{}",
        policy("  podSelector:\n    matchLabels: {job-name: migrate, controller-uid: 1234-abcd}\n")
    );
    let all = diags(&text);
    assert!(
        !all.iter().any(|d| d.code == Code::GeneratedLabelUnknown),
        "{all:#?}"
    );
    // A job name no pod can carry (the CronJob's Jobs are named after the schedule time).
    let text = format!(
        "{job}{cron}{}",
        policy("  podSelector:\n    matchLabels: {job-name: nightly-28000000}\n")
    );
    expect(
        &text,
        Code::GeneratedLabelUnknown,
        "matchLabels: {|job-name",
        "a CronJob's Jobs are named after their schedule time",
    );
}

#[test]
fn statefulset_pods_beyond_the_safety_limit_are_said() {
    let text = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: default}\nspec:\n  replicas: 5001\n  serviceName: db\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n    spec: {containers: [{name: db, image: postgres:16}]}\n";
    let d = expect(
        text,
        Code::NotSimulated,
        "apiVersion: apps/v1",
        "has 5001 replicas: only the first 5000 pods (`db-0` to `db-4999`) are simulated",
    );
    assert_eq!(d.severity, Severity::Warning);
    let a = analyze(&[Source::new("t.yaml", text)]);
    assert_eq!(a.cluster.pods.len(), 5000);
}

#[test]
fn warn_mode_says_a_misspelt_selector_or_except_widens_a_peer() {
    let text = policy(
        "  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabel: {team: x}}\n",
    );
    let d = expect(
        &text,
        Code::UnknownField,
        "matchLabel:",
        "unknown field `matchLabel` in `spec.ingress[0].from[0].namespaceSelector`",
    );
    assert!(d.help.unwrap().contains("did you mean `matchLabels`?"));
    let w = warned(&text, Code::UnknownField);
    assert!(
        w.message.contains("this peer now admits every namespace"),
        "{}",
        w.message
    );
    let text = policy(
        "  podSelector: {}\n  egress:\n  - to:\n    - ipBlock: {cidr: 10.0.0.0/8, exept: [10.1.0.0/16]}\n",
    );
    let d = expect(&text, Code::UnknownField, "exept", "unknown field `exept`");
    assert!(d.help.unwrap().contains("did you mean `except`?"));
    let w = warned(&text, Code::UnknownField);
    assert!(
        w.message
            .contains("now admits the addresses `except` would have excluded"),
        "{}",
        w.message
    );
}

#[test]
fn plural_kind_is_rejected_with_the_singular() {
    let text = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicies\nmetadata: {name: p, namespace: default}\nspec: {podSelector: {}}\n---\napiVersion: v1\nkind: Pods\nmetadata: {name: a, namespace: default}\nspec: {containers: [{name: c, image: nginx:1.25}]}\n";
    let d = expect(
        text,
        Code::UnknownKind,
        "NetworkPolicies",
        "there is no kind `NetworkPolicies`: did you mean `NetworkPolicy`?",
    );
    assert_eq!(d.severity, Severity::Error);
    assert!(d.help.unwrap().contains("a kind is singular"));
    let a = analyze(&[Source::new("t.yaml", text)]);
    let pods = a
        .diagnostics
        .iter()
        .find(|d| d.message.contains("`Pods`"))
        .unwrap();
    assert_eq!(pods.severity, Severity::Error);
    assert_eq!(pods.span.unwrap().start.line, 7);
    assert!(pods.message.contains("did you mean `Pod`?"));
    assert!(a.ignored.is_empty(), "{:?}", a.ignored);
    assert_eq!(a.cluster.rejected.len(), 2);
}

#[test]
fn a_modelled_kind_without_api_version_is_rejected() {
    let text = "kind: Pod\nmetadata: {name: a, namespace: default}\nspec: {containers: [{name: c, image: nginx:1.25}]}\n";
    let d = expect(
        text,
        Code::MissingField,
        "Pod",
        "`apiVersion` is missing: `kubectl apply` requires it",
    );
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(d.help.as_deref(), Some("add `apiVersion: v1`"));
    let a = analyze(&[Source::new("t.yaml", text)]);
    assert!(a.cluster.pods.is_empty());
    assert_eq!(a.cluster.rejected.len(), 1);
}

#[test]
fn a_service_selector_written_as_a_label_selector_gets_a_hint() {
    let text = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\nspec:\n  selector:\n    matchLabels: {app: web}\n  ports: [{port: 80}]\n";
    let d = expect(
        text,
        Code::WrongType,
        "    |matchLabels",
        "a Service selector is a plain map of labels",
    );
    assert!(d.help.unwrap().contains("`selector: {app: web}`"));
}

/// `-n shop` (an explicit namespace): a namespaced object of another namespace is refused at
/// its `metadata.namespace` value and kept in `rejected`; objects without a namespace, of that
/// namespace, and cluster-scoped ones (a Namespace, a ClusterNetworkPolicy) are applied.
#[test]
fn namespace_flag_refuses_another_namespace() {
    let text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: bar}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: shop}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n  namespace: bar\nspec: {podSelector: {}}\n---\napiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata: {name: c, namespace: elsewhere}\nspec:\n  tier: Admin\n  priority: 5\n  subject: {namespaces: {}}\n  ingress: [{action: Accept, from: [{namespaces: {}}]}]\n";
    let a = engine::analyze_with(
        &[Source::new("t.yaml", text)],
        &engine::Options {
            default_namespace: Some("shop".to_string()),
            validate: engine::Validate::Strict,
        },
    );
    let errors: Vec<&Diagnostic> = a
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let d = errors[0];
    assert_eq!(d.code, Code::NamespaceMismatch);
    let span = d.span.unwrap();
    assert_eq!(
        (span.start.line, span.start.col),
        at(text, "  namespace: |bar")
    );
    assert!(
        d.message.contains(
            "the namespace from the provided object `bar` does not match the namespace `shop`"
        ),
        "{}",
        d.message
    );
    assert!(a.cluster.policies.is_empty());
    assert_eq!(a.cluster.rejected.len(), 1);
    assert_eq!(a.cluster.rejected[0].name, "p");
    let pods: Vec<String> = a.cluster.pods.iter().map(|p| p.qualified()).collect();
    assert_eq!(pods, ["shop/a", "shop/b"]);
    assert_eq!(a.cluster.admin_policies.len(), 1);
    // Without `-n`, nothing is refused.
    let plain = analyze(&[Source::new("t.yaml", text)]);
    assert!(!plain
        .diagnostics
        .iter()
        .any(|d| d.code == Code::NamespaceMismatch));
    assert_eq!(plain.cluster.policies.len(), 1);
}
