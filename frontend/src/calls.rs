//! Who calls whom, for the layout only, from the objects (never from policies or verdicts): a
//! Service is called and the pods behind it (the engine's `Analysis::service_pods`) come after
//! it; a pod whose containers name a Service in an `env` value, `command` or `args`
//! (`Pod::call_hints`: `mysql`, `mysql.db`, `mysql.db.svc.cluster.local`, `http://mysql:3306`)
//! calls it. The layout draws callers left of what they call.

use std::collections::{BTreeMap, BTreeSet};

use engine::model::PodId;
use engine::Analysis;

use crate::layout::Order;

/// The call order between slot keys. `pod_key` gives the slot drawing a pod (its workload's,
/// or its own); `service_keys[i]` is the slot of Service `i`, `service_pods[i]` the pods behind
/// it (`Analysis::service_pods`, computed once by the caller).
pub fn call_order(
    a: &Analysis,
    pod_key: &dyn Fn(PodId) -> Option<String>,
    service_keys: &[String],
    service_pods: &[Vec<PodId>],
) -> Order {
    let c = &a.cluster;
    let mut edges: BTreeSet<(String, String)> = BTreeSet::new();
    // Each pod's slot and the Services behind which it sits (a pod never calls those: that
    // would put a Service right of its own backends).
    let mut behind: BTreeMap<PodId, BTreeSet<usize>> = BTreeMap::new();
    for (si, key) in service_keys.iter().enumerate() {
        for &pid in service_pods.get(si).into_iter().flatten() {
            behind.entry(pid).or_default().insert(si);
            if let Some(p) = pod_key(pid) {
                edges.insert((key.clone(), p));
            }
        }
    }
    // Services by name, for the hints.
    let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (si, s) in c.services.iter().enumerate() {
        by_name.entry(s.name.as_str()).or_default().push(si);
    }
    for (pid, p) in c.pods.iter().enumerate() {
        if p.call_hints.is_empty() {
            continue;
        }
        let Some(from) = pod_key(pid) else { continue };
        let own = behind.get(&pid);
        for hint in &p.call_hints {
            for word in words(hint) {
                let first = word.split('.').next().unwrap_or_default();
                for &si in by_name.get(first).into_iter().flatten() {
                    let Some(s) = c.services.get(si) else {
                        continue;
                    };
                    if own.is_some_and(|o| o.contains(&si)) {
                        continue;
                    }
                    if names_service(&word, &s.name, &s.namespace, &p.namespace) {
                        if let Some(to) = service_keys.get(si) {
                            edges.insert((from.clone(), to.clone()));
                        }
                    }
                }
            }
        }
    }
    Order {
        edges: edges.into_iter().collect(),
        called: service_keys.iter().cloned().collect(),
    }
}

/// The host-name-like words of a string (lower case): runs of letters, digits, `.` and `-`,
/// without a trailing dot (`http://mysql.db:3306/x` → `http`, `mysql.db`, `3306`, `x`).
fn words(s: &str) -> Vec<String> {
    s.to_ascii_lowercase()
        .split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '.' || ch == '-'))
        .map(|w| w.trim_matches('.'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether a word is a DNS name of the Service `name` in `ns` as seen from a pod of `from_ns`:
/// `name` (same namespace), `name.ns`, `name.ns.svc`, `name.ns.svc.<cluster domain>`
/// (Kubernetes DNS for Services: <https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/>).
fn names_service(word: &str, name: &str, ns: &str, from_ns: &str) -> bool {
    if word == name {
        return ns == from_ns;
    }
    let qualified = format!("{name}.{ns}");
    match word.strip_prefix(&qualified) {
        Some("") => true,
        Some(rest) => rest == ".svc" || rest.starts_with(".svc."),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_names_of_a_service() {
        for w in ["mysql.db", "mysql.db.svc", "mysql.db.svc.cluster.local"] {
            assert!(names_service(w, "mysql", "db", "web"), "{w}");
        }
        assert!(names_service("mysql", "mysql", "db", "db"));
        // A bare name resolves in the caller's own namespace only.
        assert!(!names_service("mysql", "mysql", "db", "web"));
        assert!(!names_service("mysql.dbx", "mysql", "db", "web"));
        assert!(!names_service("mysql.db.svcx", "mysql", "db", "web"));
        assert!(!names_service("mysqlx", "mysql", "db", "db"));
    }

    #[test]
    fn words_of_urls_and_host_ports() {
        assert_eq!(
            words("curl -s http://Mysql.db:3306/x"),
            ["curl", "-s", "http", "mysql.db", "3306", "x"]
        );
        assert_eq!(
            words("mysql.db.svc.cluster.local."),
            ["mysql.db.svc.cluster.local"]
        );
    }

    fn order_of(text: &str) -> Order {
        let a = engine::analyze(&[engine::Source::new("t.yaml", text)]);
        let keys: Vec<String> = a
            .cluster
            .services
            .iter()
            .map(|s| format!("service:{}", s.qualified()))
            .collect();
        let c = a.cluster.clone();
        let pod_key = move |pid: PodId| {
            let p = c.pods.get(pid)?;
            Some(match p.workload.and_then(|w| c.workloads.get(w)) {
                Some(w) => w.qualified(),
                None => p.qualified(),
            })
        };
        let pods: Vec<Vec<PodId>> = (0..keys.len()).map(|si| a.service_pods(si)).collect();
        call_order(&a, &pod_key, &keys, &pods)
    }

    #[test]
    fn hints_and_backends_make_edges() {
        let o = order_of(
            r#"
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers:
    - name: web
      image: x
      env: [{name: DB, value: "mysql.db:3306"}, {name: CACHE, value: redis}]
---
apiVersion: v1
kind: Pod
metadata: {name: mysql-0, namespace: db, labels: {app: mysql}}
spec:
  containers: [{name: m, image: mysql, args: ["--host", "mysql"]}]
---
apiVersion: v1
kind: Service
metadata: {name: mysql, namespace: db}
spec:
  selector: {app: mysql}
  ports: [{port: 3306}]
---
apiVersion: v1
kind: Service
metadata: {name: redis, namespace: db}
spec:
  selector: {app: redis}
  ports: [{port: 6379}]
"#,
        );
        assert_eq!(
            o.edges,
            [
                ("service:db/mysql".to_string(), "db/mysql-0".to_string()),
                ("shop/web".to_string(), "service:db/mysql".to_string()),
            ],
            "`redis` is in another namespace; mysql-0 naming its own Service is no call"
        );
        assert_eq!(o.called.len(), 2);
    }
}
