//! `netpol probe-script`: a bash script that checks an assertion file against a real cluster.
//!
//! The script builds a *probe scenario* that keeps everything NetworkPolicies see and nothing
//! else: the namespaces (with their labels), the pods the assertions involve (same names,
//! namespaces, labels and named ports, every container replaced by agnhost, which listens on
//! each port probed), and the NetworkPolicy documents as written. Each assertion is probed pod
//! to pod with `kubectl exec … -- /agnhost connect IP:PORT --timeout=… --protocol=…`; through a
//! Service, every backing pod is probed on its targetPort (what policies see; kube-proxy would
//! pick one at random). The script prints expected vs observed per assertion, exits 1 on a
//! mismatch, and deletes what it created (`--keep` keeps it). Nothing it creates may exist
//! already: it refuses to start otherwise, so cleaning up never deletes the user's objects.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use engine::evaluate::Endpoint;
use engine::expect::parse_expectations_all;
use engine::model::PodId;
use engine::{Analysis, Protocol, Target};

use crate::port_arg::{resolve_for, PortArg};

/// agnhost from the Kubernetes e2e test images, pinned (override with `NETPOL_AGNHOST_IMAGE`).
pub const AGNHOST_IMAGE: &str = "registry.k8s.io/e2e-test-images/agnhost:2.52";

/// Namespaces every cluster has: never created nor deleted by the script.
const SYSTEM_NAMESPACES: [&str; 4] = ["default", "kube-system", "kube-public", "kube-node-lease"];

/// Pods of this namespace are not recreated: the cluster's own ones answer (CoreDNS listens on
/// 53), found by the modelled pod's labels. A fake kube-dns pod would join the real DNS Service.
const EXISTING_PODS_NAMESPACE: &str = "kube-system";

fn in_kube_system(a: &Analysis, e: Endpoint) -> bool {
    match e {
        Endpoint::Pod(id) => a
            .cluster
            .pods
            .get(id)
            .is_some_and(|p| p.namespace == EXISTING_PODS_NAMESPACE),
        Endpoint::External(_) => false,
    }
}

/// One connection attempt of the script.
#[derive(Debug)]
struct Probe {
    src: PodId,
    dst: Endpoint,
    port: u16,
    protocol: Protocol,
    /// What the engine says (shown next to what the cluster does).
    predicted: bool,
}

#[derive(Debug)]
struct Assertion {
    label: String,
    expected: bool,
    probes: Vec<Probe>,
    /// Why it cannot be probed (a source outside the cluster, no pods, …).
    skip: Option<String>,
}

pub fn run(files: &[String], expect: &str, keep: bool, dry_run: bool) -> u8 {
    let Some(a) = crate::inputs::analyse(files) else {
        return 2;
    };
    let text = match std::fs::read_to_string(expect) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {expect}: {e}");
            return 2;
        }
    };
    let (entries, errors) = match parse_expectations_all(&text) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {expect}:{}:{}: {}", e.line, e.col, e.message);
            return 2;
        }
    };
    let mut bad = false;
    for e in errors.iter().flatten() {
        eprintln!("error: {expect}:{}:{}: {}", e.line, e.col, e.message);
        bad = true;
    }
    let mut assertions = Vec::new();
    for x in &entries {
        let (f, t) = match (a.resolve(&x.from), a.resolve(&x.to)) {
            (Ok(f), Ok(t)) => (f, t),
            (f, t) => {
                for e in [f.err(), t.err()].into_iter().flatten() {
                    eprintln!("error: {expect}:{}:{}: {e}", x.line, x.col);
                }
                bad = true;
                continue;
            }
        };
        let port = match &x.port_name {
            None => x.port,
            Some(n) => match resolve_for(&a, t, &PortArg::Name(n.clone()), x.protocol) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("error: {expect}:{}:{}: {e}", x.line, x.col);
                    bad = true;
                    continue;
                }
            },
        };
        assertions.push(assertion(&a, f, t, port, x.protocol, x.allowed));
    }
    if bad {
        return 2;
    }
    out!("{}", script(&a, &assertions, keep, dry_run));
    0
}

fn assertion(
    a: &Analysis,
    f: Target,
    t: Target,
    port: u16,
    proto: Protocol,
    expected: bool,
) -> Assertion {
    let label = format!(
        "{} → {} port {port}/{proto}",
        a.target_name(f),
        a.target_name(t)
    );
    let v = a.verdict(f, t, port, proto);
    let mut skip = None;
    if let Target::External(ip) = f {
        skip = Some(format!(
            "the source {ip} is outside the cluster: probe it from there"
        ));
    } else if let Some(p) = &v.problem {
        skip = Some(format!("{p:?}"));
        if let engine::analysis::Problem::NoBackingPods { service } = p {
            skip = Some(format!("no pods behind `{service}`"));
        }
    }
    let mut probes = Vec::new();
    if skip.is_none() {
        for h in &v.hops {
            let Endpoint::Pod(src) = h.src else { continue };
            if h.src == h.dst {
                continue;
            }
            let host_network = |e: Endpoint| match e {
                Endpoint::Pod(id) => a.cluster.pods.get(id).is_some_and(|p| p.host_network),
                Endpoint::External(_) => false,
            };
            if in_kube_system(a, h.src) {
                skip = Some(
                    "the source runs in kube-system, where the script creates no pod".to_string(),
                );
                break;
            }
            if host_network(h.src) || host_network(h.dst) {
                skip = Some(
                    "a hostNetwork pod is involved: the probe scenario does not recreate it"
                        .to_string(),
                );
                break;
            }
            // The representative source to every destination of the hop (every backing pod
            // of a Service): pods policies cannot tell apart are not probed twice as sources.
            for &d in h.dsts.iter().filter(|&&d| d != h.src) {
                probes.push(Probe {
                    src,
                    dst: d,
                    port: h.port,
                    protocol: proto,
                    predicted: h.allowed,
                });
            }
        }
        if probes.is_empty() && skip.is_none() {
            skip = Some("only a pod reaching itself: always allowed".to_string());
        }
    }
    Assertion {
        label,
        expected,
        probes,
        skip,
    }
}

/// `'…'` for bash.
fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn proto_flag(p: Protocol) -> &'static str {
    match p {
        Protocol::Tcp => "tcp",
        Protocol::Udp => "udp",
        Protocol::Sctp => "sctp",
    }
}

/// A heredoc that writes `body` to `file`, with a delimiter the body does not contain.
fn heredoc(out: &mut String, file: &str, body: &str) {
    let mut delim = "NETPOL_EOF".to_string();
    while body.lines().any(|l| l == delim) {
        delim.push('X');
    }
    let _ = writeln!(out, "cat > \"$WORK\"/{file} <<'{delim}'\n{body}{delim}");
}

/// The agnhost Pod standing for a modelled pod: same name, namespace, labels, named ports.
fn pod_yaml(a: &Analysis, id: PodId, serve: &BTreeSet<(u16, Protocol)>) -> String {
    use engine::suggest::scalar;
    let Some(p) = a.cluster.pods.get(id) else {
        return String::new();
    };
    let mut y = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {}\n  namespace: {}\n",
        scalar(&p.name),
        scalar(&p.namespace)
    );
    if !p.labels.is_empty() {
        y.push_str("  labels:\n");
        for (k, v) in &p.labels {
            let _ = writeln!(y, "    {}: {}", scalar(k), scalar(v));
        }
    }
    y.push_str("spec:\n  terminationGracePeriodSeconds: 0\n  containers:\n");
    let _ = writeln!(
        y,
        "  - name: probe\n    image: {AGNHOST_IMAGE}\n    args: [\"pause\"]"
    );
    let mut ports: BTreeSet<(u16, Protocol)> = serve.clone();
    ports.extend(p.ports.iter().map(|c| (c.port, c.protocol)));
    for (port, proto) in ports {
        let name = format!("serve-{}-{port}", proto_flag(proto));
        let _ = writeln!(y, "  - name: {name}\n    image: {AGNHOST_IMAGE}");
        match proto {
            Protocol::Tcp | Protocol::Udp => {
                let _ = writeln!(
                    y,
                    "    args: [\"serve-hostname\", \"--{}\", \"--http=false\", \"--port\", \"{port}\"]",
                    proto_flag(proto)
                );
            }
            Protocol::Sctp => {
                let _ = writeln!(
                    y,
                    "    args: [\"porter\"]\n    env: [{{name: SERVE_SCTP_PORT_{port}, value: \"{port}\"}}]"
                );
            }
        }
        let declared: Vec<_> = p
            .ports
            .iter()
            .filter(|c| c.port == port && c.protocol == proto)
            .collect();
        y.push_str("    ports:\n");
        match declared.first() {
            Some(c) => {
                let _ = write!(y, "    - containerPort: {port}\n      protocol: {proto}\n");
                if let Some(n) = &c.name {
                    let _ = writeln!(y, "      name: {}", scalar(n));
                }
            }
            None => {
                let _ = write!(y, "    - containerPort: {port}\n      protocol: {proto}\n");
            }
        }
    }
    y
}

/// The text of each NetworkPolicy document, with its namespace.
fn policy_documents(a: &Analysis) -> (Vec<(String, String, String)>, Vec<String>) {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    let mut seen = BTreeSet::new();
    for p in &a.cluster.policies {
        let (src, doc) = (p.span.source, p.span.doc);
        if !seen.insert((src, doc)) {
            skipped.push(format!(
                "{}: shares a YAML document with another policy (a List): not recreated",
                p.qualified()
            ));
            continue;
        }
        let Some(s) = a.sources.get(src as usize) else {
            continue;
        };
        let docs = engine::parse::yaml::parse_documents(src, &s.text, &mut Vec::new());
        let Some(d) = docs.iter().find(|d| d.span.doc == doc) else {
            continue;
        };
        if d.root
            .as_ref()
            .and_then(|r| r.get("kind"))
            .and_then(|k| k.text())
            != Some("NetworkPolicy")
        {
            skipped.push(format!(
                "{}: inside a List document: not recreated",
                p.qualified()
            ));
            continue;
        }
        let lines: Vec<&str> = s
            .text
            .lines()
            .skip(d.span.start.line.saturating_sub(1) as usize)
            .take((d.span.end.line.saturating_sub(d.span.start.line) + 1) as usize)
            .filter(|l| !l.starts_with("---") && !l.starts_with("..."))
            .collect();
        let mut body = lines.join("\n");
        body.push('\n');
        out.push((p.namespace.clone(), p.name.clone(), body));
    }
    (out, skipped)
}

fn script(a: &Analysis, assertions: &[Assertion], keep: bool, dry_run: bool) -> String {
    let mut s = String::new();
    s.push_str("#!/usr/bin/env bash\n");
    s.push_str("# Generated by `netpol probe-script`: checks the assertions against the cluster kubectl points at.\n");
    s.push_str("# Needs a CNI that enforces NetworkPolicy (see the README: kind + Calico). The scenario keeps what\n");
    s.push_str("# policies see (namespaces and labels, pods' names, labels and named ports, the NetworkPolicies)\n");
    s.push_str("# and runs agnhost in every pod. Environment: KUBECTL, NETPOL_AGNHOST_IMAGE, NETPOL_PROBE_TIMEOUT,\n");
    s.push_str("# NETPOL_READY_TIMEOUT, NETPOL_SETTLE_SECONDS, KEEP=1 (keep the scenario), DRY_RUN=1 (print commands).\n");
    s.push_str("set -uo pipefail\n\n");
    let _ = writeln!(s, "KUBECTL=\"${{KUBECTL:-kubectl}}\"");
    let _ = writeln!(s, "IMAGE=\"${{NETPOL_AGNHOST_IMAGE:-{AGNHOST_IMAGE}}}\"");
    let _ = writeln!(s, "TIMEOUT=\"${{NETPOL_PROBE_TIMEOUT:-3s}}\"");
    let _ = writeln!(s, "READY_TIMEOUT=\"${{NETPOL_READY_TIMEOUT:-180s}}\"");
    let _ = writeln!(s, "SETTLE=\"${{NETPOL_SETTLE_SECONDS:-5}}\"");
    let _ = writeln!(s, "KEEP=\"${{KEEP:-{}}}\"", u8::from(keep));
    let _ = writeln!(s, "DRY_RUN=\"${{DRY_RUN:-{}}}\"", u8::from(dry_run));
    s.push_str(
        r#"WORK="$(mktemp -d "${TMPDIR:-/tmp}/netpol-probe.XXXXXX")" || exit 2
CREATED_NS=()
# The namespace of each np-I.yaml: a policy written without `metadata.namespace` lives in
# `default`, not in whatever namespace the kubeconfig context names.
NP_NS=()
# Under DRY_RUN=1 commands are printed here (the script's stdout), whatever they are piped to.
exec 3>&1

# Runs a kubectl command, or prints it under DRY_RUN=1.
k() {
  if [ "$DRY_RUN" = 1 ]; then
    { printf '+ kubectl'; printf ' %q' "$@"; printf '\n'; } >&3
  else
    "$KUBECTL" "$@"
  fi
}

cleanup() {
  if [ "$KEEP" = 1 ]; then
    echo "kept the scenario (files in $WORK)"
    return
  fi
  for i in ${NP_NS[@]+"${!NP_NS[@]}"}; do
    [ -e "$WORK/np-$i.yaml" ] && k delete -f "$WORK/np-$i.yaml" -n "${NP_NS[$i]}" --ignore-not-found --wait=false >/dev/null
  done
  for f in "$WORK"/pod-*.yaml; do
    [ -e "$f" ] && k delete -f "$f" --ignore-not-found --wait=false >/dev/null
  done
  for ns in ${CREATED_NS[@]+"${CREATED_NS[@]}"}; do
    k delete namespace "$ns" --ignore-not-found --wait=false >/dev/null
  done
  rm -rf "$WORK"
}

# The IP of a pod (a placeholder under DRY_RUN=1).
pod_ip() {
  if [ "$DRY_RUN" = 1 ]; then echo "<ip-of-$1/$2>"; return; fi
  "$KUBECTL" get pod -n "$1" "$2" -o 'jsonpath={.status.podIP}'
}

# The IP of the cluster's own pod with these labels (kube-system is not recreated).
labelled_ip() {
  if [ "$DRY_RUN" = 1 ]; then echo "<ip-of-a-pod-in-$1-with-$2>"; return; fi
  "$KUBECTL" get pods -n "$1" -l "$2" -o 'jsonpath={.items[0].status.podIP}'
}

# probe SRC_NS SRC_POD ADDRESS PORT PROTOCOL: 0 when the connection succeeds.
probe() {
  k exec -n "$1" "$2" -c probe -- /agnhost connect "$3:$4" --timeout="$TIMEOUT" --protocol="$5" >/dev/null 2>&1
}

"#,
    );
    // Objects.
    let mut pods: BTreeMap<PodId, BTreeSet<(u16, Protocol)>> = BTreeMap::new();
    for asr in assertions {
        for p in &asr.probes {
            pods.entry(p.src).or_default();
            if let Endpoint::Pod(d) = p.dst {
                if !in_kube_system(a, p.dst) {
                    pods.entry(d).or_default().insert((p.port, p.protocol));
                }
            }
        }
    }
    let namespaces: BTreeSet<&str> = pods
        .keys()
        .filter_map(|&id| a.cluster.pods.get(id).map(|p| p.namespace.as_str()))
        .chain(a.cluster.policies.iter().map(|p| p.namespace.as_str()))
        .collect();
    s.push_str("# --- the scenario ---\n");
    for (i, ns) in namespaces.iter().enumerate() {
        let labels: Vec<(String, String)> = a
            .cluster
            .namespaces
            .iter()
            .find(|n| n.name == *ns)
            .map(|n| {
                n.labels
                    .iter()
                    .filter(|(k, _)| k.as_str() != "kubernetes.io/metadata.name")
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let mut body = format!(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {}\n",
            engine::suggest::scalar(ns)
        );
        if !labels.is_empty() {
            body.push_str("  labels:\n");
            for (k, v) in &labels {
                let _ = writeln!(
                    body,
                    "    {}: {}",
                    engine::suggest::scalar(k),
                    engine::suggest::scalar(v)
                );
            }
        }
        heredoc(&mut s, &format!("ns-{i}.yaml"), &body);
    }
    for (i, (id, serve)) in pods.iter().enumerate() {
        heredoc(&mut s, &format!("pod-{i}.yaml"), &pod_yaml(a, *id, serve));
    }
    let (policies, skipped) = policy_documents(a);
    for (i, (ns, _, body)) in policies.iter().enumerate() {
        heredoc(&mut s, &format!("np-{i}.yaml"), body);
        let _ = writeln!(s, "NP_NS[{i}]={}", q(ns));
    }
    // Admin tiers need their CRDs and a CNI that implements them: not recreated, said so.
    let mut skipped = skipped;
    for ap in &a.cluster.admin_policies {
        skipped.push(format!(
            "{}: admin policies are not recreated (they need the policy.networking.k8s.io CRDs and a CNI implementing them); assertions they decide may differ",
            ap.label()
        ));
    }
    for note in &skipped {
        let _ = writeln!(s, "echo {} >&2", q(&format!("warning: {note}")));
    }
    s.push_str(
        r#"sed -i "s#image: registry.k8s.io/e2e-test-images/agnhost:[^ ]*#image: $IMAGE#" "$WORK"/pod-*.yaml 2>/dev/null

# Refuse to touch objects that exist already: cleaning up would delete them.
for f in "$WORK"/pod-*.yaml "$WORK"/np-*.yaml; do
  [ -e "$f" ] || continue
  ns=()
  case "$f" in */np-*.yaml) i="${f##*/np-}"; ns=(-n "${NP_NS[${i%.yaml}]}");; esac
  found=""
  [ "$DRY_RUN" = 1 ] || found="$("$KUBECTL" get -f "$f" ${ns[@]+"${ns[@]}"} --ignore-not-found -o name 2>/dev/null)"
  if [ -n "$found" ]; then
    # kubectl names what it found (`networkpolicy.networking.k8s.io/deny`), whatever the YAML style.
    echo "error: $found exists already in the cluster; run on a scratch cluster" >&2
    rm -rf "$WORK"
    exit 2
  fi
done
trap cleanup EXIT

"#,
    );
    for (i, ns) in namespaces.iter().enumerate() {
        // The cluster's own namespaces exist, and are never created nor deleted.
        if SYSTEM_NAMESPACES.contains(ns) {
            continue;
        }
        let _ = writeln!(
            s,
            "if [ \"$DRY_RUN\" = 1 ] || ! \"$KUBECTL\" get namespace {ns} >/dev/null 2>&1; then\n  k create -f \"$WORK\"/ns-{i}.yaml >/dev/null || exit 2\n  CREATED_NS+=({ns})\nfi",
            ns = q(ns)
        );
    }
    for (i, (ns, _, _)) in policies.iter().enumerate() {
        let _ = writeln!(
            s,
            "k create -n {} -f \"$WORK\"/np-{i}.yaml >/dev/null || exit 2",
            q(ns)
        );
    }
    for i in 0..pods.len() {
        let _ = writeln!(s, "k create -f \"$WORK\"/pod-{i}.yaml >/dev/null || exit 2");
    }
    s.push_str("\necho \"waiting for the pods…\"\n");
    for id in pods.keys() {
        if let Some(p) = a.cluster.pods.get(*id) {
            let _ = writeln!(
                s,
                "k wait --for=condition=Ready -n {} pod/{} --timeout=\"$READY_TIMEOUT\" >/dev/null || exit 2",
                q(&p.namespace),
                q(&p.name)
            );
        }
    }
    s.push_str("# Policies are programmed asynchronously by the CNI.\n[ \"$DRY_RUN\" = 1 ] || sleep \"$SETTLE\"\n\n");
    s.push_str("PASSED=0\nFAILED=0\nSKIPPED=0\n");
    s.push_str("word() { if [ \"$1\" = 1 ]; then echo allowed; else echo blocked; fi; }\n");
    s.push_str("observed_word() { if [ \"$1\" = \"$2\" ]; then echo allowed; elif [ \"$1\" = 0 ]; then echo blocked; else echo \"allowed on $1 of $2 pod pairs\"; fi; }\n\n");
    for asr in assertions {
        let _ = writeln!(s, "# {}", asr.label);
        if let Some(why) = &asr.skip {
            let _ = writeln!(
                s,
                "echo {}\nSKIPPED=$((SKIPPED + 1))\n",
                q(&format!("SKIP  {}: {why}", asr.label))
            );
            continue;
        }
        s.push_str("ok=0\ntotal=0\ndiffers=0\ndetails=\"\"\n");
        for p in &asr.probes {
            let Some(src) = a.cluster.pods.get(p.src) else {
                continue;
            };
            let (addr, dst_name) = match p.dst {
                Endpoint::Pod(d) if in_kube_system(a, p.dst) => match a.cluster.pods.get(d) {
                    Some(dp) => {
                        let sel: Vec<String> =
                            dp.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
                        (
                            format!("$(labelled_ip {} {})", q(&dp.namespace), q(&sel.join(","))),
                            format!("{} (a pod of the cluster with its labels)", dp.qualified()),
                        )
                    }
                    None => continue,
                },
                Endpoint::Pod(d) => match a.cluster.pods.get(d) {
                    Some(dp) => (
                        format!("$(pod_ip {} {})", q(&dp.namespace), q(&dp.name)),
                        dp.qualified(),
                    ),
                    None => continue,
                },
                Endpoint::External(ip) => (ip.to_string(), ip.to_string()),
            };
            let _ = writeln!(
                s,
                "if probe {} {} \"{addr}\" {} {}; then r=1; ok=$((ok + 1)); else r=0; fi\ntotal=$((total + 1))\n[ \"$r\" = {pred} ] || differs=$((differs + 1))",
                q(&src.namespace),
                q(&src.name),
                p.port,
                proto_flag(p.protocol),
                pred = u8::from(p.predicted)
            );
            let _ = writeln!(
                s,
                "details=\"$details\n      {} → {} {}/{}: $(word $r) (netpol: {})\"",
                src.qualified(),
                dst_name,
                p.port,
                p.protocol,
                if p.predicted { "allowed" } else { "blocked" }
            );
        }
        let _ = writeln!(
            s,
            "if [ \"$DRY_RUN\" = 1 ]; then\n  echo \"DRY   \"{label}\": expected {word} (not probed)\"\nelse\n  if [ \"$ok\" = \"$total\" ]; then observed=1; else observed=0; fi\n  if [ \"$observed\" = {exp} ] && [ \"$differs\" = 0 ]; then PASSED=$((PASSED + 1)); status=PASS; else FAILED=$((FAILED + 1)); status=FAIL; fi\n  note=\"\"; [ \"$differs\" = 0 ] || note=\"; $differs pod pair(s) differ from netpol\"\n  echo \"$status  \"{label}\": expected {word}, observed $(observed_word \"$ok\" \"$total\")$note$details\"\nfi\n",
            exp = u8::from(asr.expected),
            label = q(&asr.label),
            word = if asr.expected { "allowed" } else { "blocked" }
        );
    }
    s.push_str(
        "if [ \"$DRY_RUN\" = 1 ]; then echo \"dry run: nothing was created or probed\"; exit 0; fi\necho \"$PASSED passed, $FAILED failed, $SKIPPED skipped\"\nif [ \"$FAILED\" -gt 0 ]; then exit 1; fi\nexit 0\n",
    );
    s
}
