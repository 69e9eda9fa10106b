//! Workloads: their pod template, replicas, selector validation, and the labels their
//! controllers add to the pods they create.

use crate::diagnostic::Code;
use crate::lower::fields::Ctx;
use crate::lower::policy::label_selector;
use crate::model::WorkloadKind;
use crate::parse::node::Node;
use crate::selector::Labels;
use crate::span::Span;

use super::pods::{pod_spec, Owner, PodShape};
use super::schema::{workload_spec_fields, META_FIELDS, TEMPLATE_FIELDS};

#[derive(Debug)]
pub(super) struct RawWorkload {
    pub(super) kind: WorkloadKind,
    pub(super) namespace: String,
    pub(super) name: String,
    pub(super) replicas: u32,
    pub(super) template: PodShape,
    pub(super) owner: Option<Owner>,
    /// `metadata.uid`, when given (a Job's pods carry it as `controller-uid`).
    pub(super) uid: Option<String>,
    pub(super) span: Span,
}

pub(super) fn workload(
    ctx: &mut Ctx<'_>,
    kind: WorkloadKind,
    spec: Option<&Node>,
    namespace: String,
    name: String,
    owner: Option<Owner>,
    span: Span,
) -> Option<RawWorkload> {
    let Some(spec) = spec else {
        ctx.error(
            Code::MissingField,
            span,
            format!("{} `{name}` has no `spec`", kind.as_str()),
        );
        return None;
    };
    let f = ctx.fields(spec, "spec", workload_spec_fields(kind))?;
    let replicas = match kind {
        WorkloadKind::Deployment
        | WorkloadKind::StatefulSet
        | WorkloadKind::ReplicaSet
        | WorkloadKind::ReplicationController => match f.get("replicas") {
            None => 1,
            Some(r) => {
                let n = ctx.int(r, "spec.replicas")?;
                match u32::try_from(n) {
                    Ok(n) if n <= i32::MAX as u32 => n,
                    _ => {
                        ctx.error(
                            Code::InvalidReplicas,
                            r.span,
                            format!("`spec.replicas` {n} is out of range: must be between 0 and 2147483647"),
                        );
                        return None;
                    }
                }
            }
        },
        // One representative pod: a DaemonSet's pods, a Job's or CronJob's runs are equivalent.
        WorkloadKind::DaemonSet | WorkloadKind::Job | WorkloadKind::CronJob => 1,
    };
    let (template, tpath) = if kind == WorkloadKind::CronJob {
        let jt = f.get("jobTemplate").and_then(|j| {
            let jf = ctx.fields(j, "spec.jobTemplate", TEMPLATE_FIELDS)?;
            let js = jf.get("spec")?;
            let jsf = ctx.fields(
                js,
                "spec.jobTemplate.spec",
                workload_spec_fields(WorkloadKind::Job),
            )?;
            jsf.get("template")
        });
        (jt, "spec.jobTemplate.spec.template")
    } else {
        (f.get("template"), "spec.template")
    };
    let Some(template) = template else {
        ctx.error(
            Code::MissingField,
            spec.span,
            format!("{} `{name}` has no `{tpath}`", kind.as_str()),
        );
        return None;
    };
    let tf = ctx.fields(template, tpath, TEMPLATE_FIELDS)?;
    let labels = match tf.get("metadata") {
        Some(m) => {
            let mf = ctx.fields(m, &format!("{tpath}.metadata"), META_FIELDS)?;
            match mf.get("labels") {
                Some(l) => ctx.labels(l, &format!("{tpath}.metadata.labels"))?,
                None => Labels::new(),
            }
        }
        None => Labels::new(),
    };
    // apps/v1 workloads need a selector that matches the template's labels
    // (ValidateDeploymentSpec, ValidateReplicaSetSpec, ValidateStatefulSetSpec,
    // ValidateDaemonSetSpec: "selector does not match template labels").
    if matches!(
        kind,
        WorkloadKind::Deployment
            | WorkloadKind::ReplicaSet
            | WorkloadKind::StatefulSet
            | WorkloadKind::DaemonSet
    ) {
        match f.get("selector") {
            None => {
                ctx.error(
                    Code::InvalidSelector,
                    f.key("template").map_or(spec.span, |k| k.span),
                    format!(
                        "{} `{name}` has no `spec.selector`: it is required in apps/v1",
                        kind.as_str()
                    ),
                )
                .help =
                    Some("add `selector: {matchLabels: ...}` with the template's labels".into());
                return None;
            }
            Some(sel_node) => {
                let sel = label_selector(ctx, sel_node, "spec.selector")?;
                if sel.is_empty() {
                    ctx.error(
                        Code::InvalidSelector,
                        sel_node.span,
                        "`spec.selector` is empty: the API server refuses a selector that selects everything here",
                    );
                    return None;
                }
                if !sel.matches(&labels) {
                    let msg = format!("`spec.selector` does not match the labels of `{tpath}`: the API server rejects the {}", kind.as_str());
                    let help =
                        "the template's `metadata.labels` must include every `matchLabels` entry";
                    if ctx.validate == crate::lower::Validate::Warn {
                        // Lenient reading (`--validate=warn`), as peer analyzers do: keep the
                        // workload with its template's pods, loudly.
                        ctx.warn(
                            Code::InvalidSelector,
                            sel_node.span,
                            format!("{msg}; kept because of --validate=warn, with the template's labels"),
                        )
                        .help = Some(help.into());
                    } else {
                        ctx.error(Code::InvalidSelector, sel_node.span, msg).help =
                            Some(help.into());
                        return None;
                    }
                }
            }
        }
    }
    let shape = pod_spec(
        ctx,
        tf.get("spec"),
        labels,
        template.span,
        &format!("{tpath}.spec"),
    )?;
    Some(RawWorkload {
        kind,
        namespace,
        name,
        replicas,
        template: shape,
        owner,
        uid: None,
        span,
    })
}

/// The label the Deployment controller adds to its ReplicaSets and pods: a hash of the pod
/// template computed by the controller, so unknown unless the pods themselves are given.
pub const POD_TEMPLATE_HASH_LABEL: &str = "pod-template-hash";

/// Labels controllers compute from what manifests may not say: the template hash, a CronJob's
/// Job name (from the schedule time), a Job's uid.
pub const GENERATED_LABELS: &[&str] = &[
    POD_TEMPLATE_HASH_LABEL,
    "job-name",
    "batch.kubernetes.io/job-name",
    "controller-uid",
    "batch.kubernetes.io/controller-uid",
];

/// Remembers where a selector key names a label of [`GENERATED_LABELS`] (with the value a
/// `matchLabels` entry asks for).
pub(crate) fn note_generated_label(ctx: &mut Ctx<'_>, key: &str, value: Option<&str>, span: Span) {
    if GENERATED_LABELS.contains(&key) {
        ctx.generated_label_keys
            .push((key.to_string(), value.map(str::to_string), span));
    }
}

/// [`note_generated_label`] for every key of a label map (`matchLabels`, a Service selector).
pub(crate) fn note_generated_labels(ctx: &mut Ctx<'_>, labels: &Node) {
    for (k, v) in labels.as_map().unwrap_or_default() {
        if let Some(key) = k.text() {
            note_generated_label(ctx, key, v.text(), k.span);
        }
    }
}

/// Labels a controller puts on the pods it creates, beyond the template's.
pub(super) fn controller_labels(
    w: &RawWorkload,
    ordinal: u32,
    pod_name: &str,
    labels: &mut Labels,
) {
    let mut set = |k: &str, v: String| {
        labels.insert(k.to_string(), v);
    };
    match w.kind {
        // StatefulSet controller (`pkg/controller/statefulset/stateful_set_utils.go`): the pod
        // name, and the ordinal since Kubernetes 1.28 (PodIndexLabel).
        WorkloadKind::StatefulSet => {
            set("statefulset.kubernetes.io/pod-name", pod_name.to_string());
            set("apps.kubernetes.io/pod-index", ordinal.to_string());
        }
        // Job defaulting (`pkg/registry/batch/job/strategy.go`) adds the job name, and the
        // controller uid when the Job's uid is known. A CronJob's Jobs are named after the
        // schedule time (`<cronjob>-<minutes since epoch>`), unknown here: its pods carry the
        // job template's labels only.
        WorkloadKind::Job => {
            set("job-name", w.name.clone());
            set("batch.kubernetes.io/job-name", w.name.clone());
            if let Some(uid) = &w.uid {
                set("controller-uid", uid.clone());
                set("batch.kubernetes.io/controller-uid", uid.clone());
            }
        }
        WorkloadKind::Deployment
        | WorkloadKind::ReplicaSet
        | WorkloadKind::DaemonSet
        | WorkloadKind::CronJob
        | WorkloadKind::ReplicationController => {}
    }
}
