//! Assembly: duplicates, ownership (pods and absorbed workloads under their top-most owner),
//! generated pods, Service backends, aliases; then the sorted [`Cluster`].

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::diagnostic::Code;
use crate::lower::fields::Ctx;
use crate::model::{Cluster, Namespace, Pod, Workload, WorkloadAlias, WorkloadKind};
use crate::selector::Labels;
use crate::span::Span;

use super::pods::{Owner, PodShape};
use super::workloads::{controller_labels, RawWorkload, POD_TEMPLATE_HASH_LABEL};
use super::{
    duplicate, Collected, MAX_GENERATED_REPLICAS, MAX_STATEFULSET_PODS, NAMESPACE_NAME_LABEL,
};

/// Keeps the last definition of each object, warning about the ones it replaces. `key` is
/// (kind, namespace, name).
pub(super) fn dedupe<T>(
    ctx: &mut Ctx<'_>,
    items: Vec<T>,
    key: impl Fn(&T) -> (&'static str, String, String),
    span: impl Fn(&T) -> Span,
) -> Vec<T> {
    let mut last: HashMap<(&'static str, String, String), usize> = HashMap::new();
    for (i, it) in items.iter().enumerate() {
        let k = key(it);
        if last.insert(k.clone(), i).is_some() {
            let (kind, ns, n) = k;
            duplicate(ctx, kind, &format!("{ns}/{n}"), span(it));
        }
    }
    items
        .into_iter()
        .enumerate()
        .filter(|(i, it)| last.get(&key(it)) == Some(i))
        .map(|(_, it)| it)
        .collect()
}

pub(super) type OwnerIndex<'a> = HashMap<(&'a str, &'a str, &'a str), usize>;

/// The top-most workload present in the input that owns (transitively) an object.
pub(super) fn top_owner(
    workloads: &[RawWorkload],
    index: &OwnerIndex<'_>,
    ns: &str,
    owner: Option<&Owner>,
) -> Option<usize> {
    let mut found = None;
    let mut owner = owner;
    // Bounded: ownership cycles in hand-written input must not loop forever.
    for _ in 0..8 {
        let Some(o) = owner else { break };
        let Some(&i) = index.get(&(ns, o.kind.as_str(), o.name.as_str())) else {
            break;
        };
        found = Some(i);
        owner = workloads.get(i).and_then(|w| w.owner.as_ref());
    }
    found
}

pub(super) fn assemble(ctx: &mut Ctx<'_>, c: Collected) -> Cluster {
    let Collected {
        mut namespaces,
        referenced_namespaces,
        pods,
        workloads,
        services,
        policies,
        backends,
        foreign,
        rejected,
        ignored,
        ignored_objects,
        admin_policies,
    } = c;
    let pods = dedupe(
        ctx,
        pods,
        |p| ("Pod", p.namespace.clone(), p.name.clone()),
        |p| p.shape.span,
    );
    let workloads = dedupe(
        ctx,
        workloads,
        |w| (w.kind.as_str(), w.namespace.clone(), w.name.clone()),
        |w| w.span,
    );
    let mut services = dedupe(
        ctx,
        services,
        |s| ("Service", s.namespace.clone(), s.name.clone()),
        |s| s.span,
    );
    let mut policies = dedupe(
        ctx,
        policies,
        |p| ("NetworkPolicy", p.namespace.clone(), p.name.clone()),
        |p| p.span,
    );

    // Namespaces that are referenced exist implicitly, with their name label.
    for ns in referenced_namespaces {
        namespaces.entry(ns.clone()).or_insert_with(|| {
            let mut labels = Labels::new();
            labels.insert(NAMESPACE_NAME_LABEL.to_string(), ns.clone());
            Namespace {
                name: ns,
                labels,
                span: None,
            }
        });
    }

    // Pods owned by a controller that is not in the input (a dump of pods only) still belong to
    // a workload named after that controller.
    let mut workloads = workloads;
    // A ReplicaSet that is not in the input but is named `<deployment>-<pod-template-hash>`
    // belongs to that Deployment (the Deployment controller names its ReplicaSets so): the
    // pod's owner becomes the Deployment, and the ReplicaSet's name stays resolvable.
    let mut derived: Vec<(String, String, String)> = Vec::new();
    let mut pods = pods;
    for p in &mut pods {
        let Some(o) = &mut p.owner else { continue };
        if o.kind != "ReplicaSet"
            || workloads.iter().any(|w| {
                w.namespace == p.namespace && w.kind == WorkloadKind::ReplicaSet && w.name == o.name
            })
        {
            continue;
        }
        let Some(hash) = p.shape.labels.get(POD_TEMPLATE_HASH_LABEL) else {
            continue;
        };
        let Some(deployment) = o
            .name
            .strip_suffix(hash.as_str())
            .and_then(|d| d.strip_suffix('-'))
            .filter(|d| !d.is_empty())
        else {
            continue;
        };
        let deployment = deployment.to_string();
        derived.push((p.namespace.clone(), o.name.clone(), deployment.clone()));
        *o = Owner {
            kind: "Deployment".to_string(),
            name: deployment,
        };
    }
    derived.sort();
    derived.dedup();
    let pods = pods;
    let mut synthetic: BTreeSet<(String, WorkloadKind, String)> = BTreeSet::new();
    for p in &pods {
        let Some(o) = &p.owner else { continue };
        let Some(kind) = WorkloadKind::parse(&o.kind) else {
            continue;
        };
        let present = workloads
            .iter()
            .any(|w| w.namespace == p.namespace && w.kind == kind && w.name == o.name);
        if !present && synthetic.insert((p.namespace.clone(), kind, o.name.clone())) {
            workloads.push(RawWorkload {
                kind,
                namespace: p.namespace.clone(),
                name: o.name.clone(),
                replicas: 0,
                template: PodShape {
                    labels: Labels::new(),
                    ports: Vec::new(),
                    host_network: false,
                    span: p.shape.span,
                    call_hints: Vec::new(),
                },
                owner: None,
                uid: None,
                span: p.shape.span,
            });
        }
    }
    let workloads = workloads;

    // Ownership: find, for each workload and pod, the top-most owner present in the input.
    let index: OwnerIndex<'_> = workloads
        .iter()
        .enumerate()
        .map(|(i, w)| ((w.namespace.as_str(), w.kind.as_str(), w.name.as_str()), i))
        .collect();
    let workload_top: Vec<Option<usize>> = workloads
        .iter()
        .map(|w| top_owner(&workloads, &index, &w.namespace, w.owner.as_ref()))
        .collect();
    let pod_top: Vec<Option<usize>> = pods
        .iter()
        .map(|p| top_owner(&workloads, &index, &p.namespace, p.owner.as_ref()))
        .collect();

    // Top-level workloads, sorted; absorbed ones (a ReplicaSet under its Deployment) vanish.
    let mut top: Vec<usize> = (0..workloads.len())
        .filter(|&i| workload_top.get(i).copied().flatten().is_none())
        .collect();
    top.sort_by_key(|&i| {
        workloads
            .get(i)
            .map(|w| (w.namespace.clone(), w.name.clone(), w.kind))
    });
    let mut new_id: HashMap<usize, usize> = HashMap::new();
    for (new, &old) in top.iter().enumerate() {
        new_id.insert(old, new);
    }
    let resolve_top = |old: usize| -> Option<usize> {
        let t = workload_top.get(old).copied().flatten().unwrap_or(old);
        new_id.get(&t).copied()
    };

    let mut out_pods: Vec<Pod> = Vec::with_capacity(pods.len());
    let mut has_real_pods: BTreeSet<usize> = BTreeSet::new();
    for (i, p) in pods.into_iter().enumerate() {
        let wid = pod_top.get(i).copied().flatten().and_then(resolve_top);
        if let Some(w) = wid {
            has_real_pods.insert(w);
        }
        out_pods.push(Pod {
            namespace: p.namespace,
            name: p.name,
            labels: p.shape.labels,
            ports: p.shape.ports,
            host_network: p.shape.host_network,
            ips: p.ips,
            workload: wid,
            span: p.shape.span,
            stands_for: 1,
            call_hints: p.shape.call_hints,
        });
    }
    let mut out_workloads: Vec<Workload> = Vec::with_capacity(top.len());
    let mut taken: HashSet<(String, String)> = out_pods
        .iter()
        .map(|p| (p.namespace.clone(), p.name.clone()))
        .collect();
    // Which controller-computed labels generated pods lack (see `warn_generated_labels`).
    let mut lacking = Lacking::default();
    // StatefulSet pods have real names (`<name>-<ordinal>`, which their
    // `statefulset.kubernetes.io/pod-name` label repeats), like declared Pods; the names of
    // other generated pods are invented. So StatefulSets name their pods first, and an
    // invented name gives way to a real one.
    let mut generating: Vec<(usize, &RawWorkload)> = top
        .iter()
        .enumerate()
        .filter(|&(new, _)| !has_real_pods.contains(&new))
        .filter_map(|(new, &old)| workloads.get(old).map(|w| (new, w)))
        .collect();
    // A stable sort: StatefulSets first, each group in workload order.
    generating.sort_by_key(|(_, w)| w.kind != WorkloadKind::StatefulSet);
    for (new, w) in generating {
        match w.kind {
            WorkloadKind::Deployment => lacking.template_hash = true,
            WorkloadKind::CronJob => {
                lacking.job_name = true;
                lacking.controller_uid = true;
            }
            WorkloadKind::Job => lacking.controller_uid |= w.uid.is_none(),
            _ => {}
        }
        let generated = if w.kind == WorkloadKind::StatefulSet {
            // Every StatefulSet pod is distinct (its pod-name label), so each is generated,
            // up to a safety limit that is said out loud.
            if w.replicas > MAX_STATEFULSET_PODS {
                ctx.warn(
                    Code::NotSimulated,
                    w.span,
                    format!(
                        "StatefulSet `{}/{}` has {} replicas: only the first {MAX_STATEFULSET_PODS} pods (`{}-0` to `{}-{}`) are simulated",
                        w.namespace,
                        w.name,
                        w.replicas,
                        w.name,
                        w.name,
                        MAX_STATEFULSET_PODS - 1
                    ),
                );
            }
            w.replicas.min(MAX_STATEFULSET_PODS)
        } else {
            w.replicas.min(MAX_GENERATED_REPLICAS)
        };
        for r in 0..generated {
            // The pod's real name; shown with a `-N` suffix when a declared Pod (or a pod
            // generated earlier) already has it, but its labels keep the real name.
            let real = format!("{}-{r}", w.name);
            let mut name = real.clone();
            let mut k = 1;
            while taken.contains(&(w.namespace.clone(), name.clone())) {
                name = format!("{}-{r}-{k}", w.name);
                k += 1;
            }
            let mut labels = w.template.labels.clone();
            controller_labels(w, r, &real, &mut labels);
            out_pods.push(Pod {
                namespace: w.namespace.clone(),
                name,
                labels,
                ports: w.template.ports.clone(),
                host_network: w.template.host_network,
                ips: Vec::new(),
                workload: Some(new),
                span: w.template.span,
                // The last generated pod counts for the replicas beyond the cap, except in
                // a StatefulSet, whose pods differ (`statefulset.kubernetes.io/pod-name`).
                stands_for: if r + 1 == generated && w.kind != WorkloadKind::StatefulSet {
                    w.replicas - r
                } else {
                    1
                },
                call_hints: w.template.call_hints.clone(),
            });
            if let Some(p) = out_pods.last() {
                taken.insert((p.namespace.clone(), p.name.clone()));
            }
        }
    }
    for &old in &top {
        let Some(w) = workloads.get(old) else {
            continue;
        };
        out_workloads.push(Workload {
            kind: w.kind,
            namespace: w.namespace.clone(),
            name: w.name.clone(),
            replicas: w.replicas,
            pods: Vec::new(),
            span: w.span,
        });
    }
    out_pods.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    for (i, p) in out_pods.iter().enumerate() {
        if let Some(w) = p.workload.and_then(|w| out_workloads.get_mut(w)) {
            w.pods.push(i);
        }
    }
    for w in &mut out_workloads {
        if w.replicas == 0 && !w.pods.is_empty() {
            w.replicas = w.pods.len() as u32;
        }
    }
    // Listed backends belong to Services without selector (for the others the endpoints
    // controller derives them from the selector: the selector is the truth).
    for (ns, name, b) in backends {
        if let Some(svc) = services.iter_mut().find(|s| {
            s.namespace == ns && s.name == name && s.selector.is_none() && s.external_name.is_none()
        }) {
            if !svc.backends.contains(&b) {
                svc.backends.push(b);
            }
        }
    }
    warn_generated_labels(ctx, lacking, &out_pods);
    // Names that stand for a top-level workload: absorbed ones (a ReplicaSet under its
    // Deployment, a Job under its CronJob) and ReplicaSets known only from pods' owners.
    let mut aliases: Vec<WorkloadAlias> = Vec::new();
    for (old, w) in workloads.iter().enumerate() {
        if workload_top.get(old).copied().flatten().is_some() {
            if let Some(top) = resolve_top(old) {
                aliases.push(WorkloadAlias {
                    kind: w.kind,
                    namespace: w.namespace.clone(),
                    name: w.name.clone(),
                    workload: top,
                });
            }
        }
    }
    for (ns, rs, deployment) in derived {
        if let Some(top) = out_workloads.iter().position(|w| {
            w.namespace == ns && w.kind == WorkloadKind::Deployment && w.name == deployment
        }) {
            aliases.push(WorkloadAlias {
                kind: WorkloadKind::ReplicaSet,
                namespace: ns,
                name: rs,
                workload: top,
            });
        }
    }
    aliases.sort_by(|a, b| (&a.namespace, &a.name, a.kind).cmp(&(&b.namespace, &b.name, b.kind)));
    services.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    policies.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));

    Cluster {
        namespaces: namespaces.into_values().collect(),
        pods: out_pods,
        workloads: out_workloads,
        services,
        policies,
        aliases,
        foreign_policies: foreign,
        rejected,
        ignored,
        ignored_objects,
        admin_policies: super::admin::finish(ctx, admin_policies),
    }
}

/// Controller-computed labels that the pods generated here lack.
#[derive(Clone, Copy, Debug, Default)]
struct Lacking {
    /// Deployment pods: `pod-template-hash`.
    template_hash: bool,
    /// CronJob pods: `job-name` (a CronJob's Jobs are named `<cronjob>-<scheduled minutes>`).
    job_name: bool,
    /// Pods of Jobs whose uid is not given, and of CronJobs: `controller-uid`.
    controller_uid: bool,
}

/// Warns at each selector key naming a label the generated pods cannot carry, unless some pod
/// carries it (with the value asked): the selector then selects that pod, and other pods'
/// unknown values do not matter.
fn warn_generated_labels(ctx: &mut Ctx<'_>, lacking: Lacking, pods: &[Pod]) {
    for (key, value, span) in std::mem::take(&mut ctx.generated_label_keys) {
        let carried = pods.iter().any(|p| match (&value, p.labels.get(&key)) {
            (Some(want), Some(have)) => want == have,
            (None, Some(_)) => true,
            (_, None) => false,
        });
        if carried {
            continue;
        }
        let (applies, why, help) = match key.as_str() {
            POD_TEMPLATE_HASH_LABEL => (
                lacking.template_hash,
                "`pod-template-hash` is computed by the Deployment controller: the pods generated here from Deployments do not carry it",
                "give the real pods (`kubectl get pods -o yaml`), or select on the template's own labels",
            ),
            "job-name" | "batch.kubernetes.io/job-name" => (
                lacking.job_name,
                "a CronJob's Jobs are named after their schedule time (`<cronjob>-<minutes>`): the pods generated here from CronJobs do not carry a job name",
                "select on the job template's own labels",
            ),
            _ => (
                lacking.controller_uid,
                "`controller-uid` is the Job's uid, which these manifests do not give: the pods generated here from Jobs and CronJobs do not carry it",
                "give the Job's `metadata.uid`, or select on the template's own labels",
            ),
        };
        if applies {
            ctx.warn(
                Code::GeneratedLabelUnknown,
                span,
                format!("{why} (`{key}`)"),
            )
            .help = Some(help.into());
        }
    }
}
