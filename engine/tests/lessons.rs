#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

//! Lessons: the built-in track passes the author's check and its pitfalls are explained; the
//! check fails each rule it enforces; goals (flows, least privilege, locks) are evaluated on
//! behaviour.

use std::path::{Path, PathBuf};

use engine::lesson::goals::{evaluate_step_text, GoalState};
use engine::lesson::{
    check_lesson, evaluate_step, parse_index, parse_lesson, Lesson, LockState, StepProblem,
};
use engine::{analyze, Code, Source};

fn lessons_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/lessons")
}

fn builtin(file: &str) -> Lesson {
    let text = std::fs::read_to_string(lessons_dir().join(file)).unwrap();
    let (l, d) = parse_lesson(0, &text);
    assert!(d.is_empty(), "{file}: {d:?}");
    l.unwrap()
}

fn solution(l: &Lesson, step: usize) -> String {
    l.steps[step].solution.clone().unwrap()
}

/// The goal states of step `step` on `text`, in file order.
fn states(l: &Lesson, step: usize, text: &str) -> Vec<GoalState> {
    evaluate_step_text(l, step, text)
        .unwrap()
        .goals
        .into_iter()
        .map(|g| g.state)
        .collect()
}

fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
    text.replacen(from, to, 1)
}

use GoalState::{Met, Unmet, Unresolved};

#[test]
fn every_builtin_lesson_passes_the_check_in_index_order() {
    let index = std::fs::read_to_string(lessons_dir().join("index.yaml")).unwrap();
    let entries = parse_index(&index).unwrap();
    let ids: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
    // The issue's twelve lessons, in its order, then the extras.
    assert_eq!(
        ids[..12],
        [
            "classic-demo",
            "wordpress-mysql",
            "namespaces-and-or",
            "egress-dns",
            "ports",
            "ipblock-metadata",
            "policies-add-up",
            "service-target-port",
            "cks-default-deny-dns",
            "cka-port-from-namespace",
            "ckad-fix-labels",
            "cka-least-permissive",
        ]
    );
    let mut on_disk: Vec<String> = std::fs::read_dir(lessons_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f != "index.yaml")
        .collect();
    on_disk.sort();
    // The track: the twelve, then `peers-ports-split` and `admin-tiers`.
    assert_eq!(entries.len(), 14);
    assert_eq!(ids[12..], ["peers-ports-split", "admin-tiers"]);
    let listed: Vec<String> = entries.iter().map(|e| e.file.clone()).collect();
    assert_eq!(
        listed, on_disk,
        "index.yaml lists every lesson file, in order"
    );
    for e in &entries {
        let text = std::fs::read_to_string(lessons_dir().join(&e.file)).unwrap();
        let report = check_lesson(0, &text);
        let problems: Vec<String> = report
            .steps
            .iter()
            .flat_map(|s| {
                s.problems
                    .iter()
                    .map(move |p| format!("step {}: {}", s.number, p.message()))
            })
            .collect();
        assert!(
            report.ok(),
            "{}: {:?} {problems:#?}",
            e.file,
            report.diagnostics
        );
        let l = report.lesson.unwrap();
        assert_eq!(
            (l.id.as_str(), l.level.as_str()),
            (e.id.as_str(), e.level.as_str())
        );
        // Every step with goals has hints, and every lesson has at least one goal step.
        assert!(l.steps.iter().any(|s| !s.goals.is_empty()), "{}", e.file);
        for s in l.steps.iter().filter(|s| !s.goals.is_empty()) {
            assert!(
                !s.hints.is_empty(),
                "{}: `{}` has no hints",
                e.file,
                s.title
            );
        }
    }
}

#[test]
fn lesson_1_is_the_classic_demo_as_told() {
    let l = builtin("01-classic-demo.yaml");
    let a = analyze(&[Source::new("start", l.start_text(0))]);
    let c = &a.cluster;
    let svc = c
        .services
        .iter()
        .find(|s| s.name == "svc-clusterip-httpd")
        .unwrap();
    assert_eq!(
        svc.selector
            .as_ref()
            .unwrap()
            .get("component")
            .map(String::as_str),
        Some("httpd_webserver")
    );
    let dep = c.workloads.iter().find(|w| w.name == "dep-httpd").unwrap();
    assert_eq!(dep.replicas, 3);
    let centos = c.pods.iter().find(|p| p.name == "pod-centos").unwrap();
    assert_eq!(
        centos.labels.get("app").map(String::as_str),
        Some("healthchecker")
    );
    assert!(c.policies.is_empty(), "all open at first");
    assert!(l.start_text(0).contains("type: ClusterIP"));
    // Step 2: `deny-by-default` with only `podSelector: {}` — ingress isolation only.
    let sol = solution(&l, 1);
    assert!(
        sol.trim_end().ends_with("spec:\n  podSelector: {}"),
        "{sol}"
    );
    let a = analyze(&[Source::new("solution", sol.as_str())]);
    let p = &a.cluster.policies[0];
    assert_eq!(p.name, "deny-by-default");
    assert!(p.affects_ingress && !p.affects_egress);
    // The pitfall: adding Egress cuts pod-centos off too, and the engine says why.
    let with_egress = format!("{sol}  policyTypes: [Ingress, Egress]\n");
    let st = evaluate_step_text(&l, 1, &with_egress).unwrap();
    assert_eq!(
        st.goals.iter().map(|g| g.state.clone()).collect::<Vec<_>>(),
        [Met, Unmet, Unmet]
    );
    assert!(
        st.goals[1].reason.contains("has no egress rules"),
        "{}",
        st.goals[1].reason
    );
    // Step 3 starts from step 2's solution, and a too-open allow fails least privilege.
    assert_eq!(l.start_text(2), sol);
    let too_open = replace_once(
        &solution(&l, 2),
        "    - from:\n        - podSelector:\n            matchLabels:\n              app: healthchecker\n",
        "    - from:\n        - podSelector: {}\n",
    );
    let st = evaluate_step_text(&l, 2, &too_open).unwrap();
    assert_eq!(st.goals[0].state, Met);
    assert_eq!(st.goals[1].state, Unmet);
    assert_eq!(
        st.goals[1].offending_total, 6,
        "each replica reaches the two others"
    );
    assert!(st.goals[1]
        .offending
        .iter()
        .all(|f| f.to.starts_with("default/dep-httpd-") && f.port == 80));
}

#[test]
fn builtin_pitfalls_are_explained_by_the_engine() {
    // 3: the OR form lets every pod of `prod` in.
    let l = builtin("03-namespaces-and-or.yaml");
    let or = replace_once(
        &solution(&l, 1),
        "\n          podSelector:",
        "\n        - podSelector:",
    );
    assert_eq!(states(&l, 1, &or), [Met, Met, Unmet, Unmet]);
    // ... and `podSelector` alone looks in the policy's own namespace.
    let own = replace_once(
        &solution(&l, 1),
        "        - namespaceSelector:\n            matchLabels:\n              env: prod\n          podSelector:",
        "        - podSelector:",
    );
    let st = evaluate_step_text(&l, 1, &own).unwrap();
    assert_eq!(st.goals[0].state, Unmet);
    assert!(
        st.goals[0]
            .explanation
            .contains("only matches pods in `backend`"),
        "{}",
        st.goals[0].explanation
    );

    // 4: DNS over UDP only.
    let l = builtin("04-egress-dns.yaml");
    let udp_only = replace_once(
        &solution(&l, 1),
        "        - protocol: TCP\n          port: 53\n",
        "",
    );
    assert_eq!(states(&l, 1, &udp_only), [Met, Met, Unmet, Met]);

    // 5: a named port looked up with the wrong protocol.
    let l = builtin("05-ports.yaml");
    let udp_name = replace_once(
        &solution(&l, 0),
        "        - port: metrics\n",
        "        - port: metrics\n          protocol: UDP\n",
    );
    let st = evaluate_step_text(&l, 0, &udp_name).unwrap();
    assert_eq!(st.goals[0].state, Unmet);
    assert!(
        st.goals[0]
            .explanation
            .contains("(`metrics`/UDP) is for UDP, not TCP"),
        "{}",
        st.goals[0].explanation
    );

    // 8: the policy written with the Service port (the step's start).
    let l = builtin("08-service-target-port.yaml");
    let st = evaluate_step_text(&l, 0, &l.start_text(0)).unwrap();
    assert_eq!(st.goals[0].state, Unmet);
    assert!(
        st.goals[0].explanation.contains("the pod listens on 8080"),
        "{}",
        st.goals[0].explanation
    );

    // 9: `podSelector: {}` alone isolates ingress only: egress stays open.
    let l = builtin("09-cks-default-deny-dns.yaml");
    let ingress_only = format!(
        "{}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: default-deny-all, namespace: payments}}\nspec:\n  podSelector: {{}}\n",
        l.start_text(0)
    );
    assert_eq!(
        states(&l, 0, &ingress_only),
        [Met, Met, Met, Unmet, Met, Met]
    );

    // 11: an unquoted `true` is a boolean: the API server rejects the pod.
    let l = builtin("11-ckad-fix-labels.yaml");
    let unquoted = solution(&l, 0).replace(
        "    access-db: \"true\"\n    access-cache: \"true\"\n",
        "    access-db: true\n    access-cache: true\n",
    );
    assert_ne!(unquoted, solution(&l, 0));
    let a = analyze(&[Source::new("x", unquoted.as_str())]);
    assert!(a
        .diagnostics
        .iter()
        .any(|d| d.code == Code::WrongType && d.help.as_deref() == Some("quote it: `\"true\"`")));
    assert_eq!(states(&l, 0, &unquoted)[0], Unresolved);

    // 12: each wrong candidate fails least privilege, naming who gets in.
    let l = builtin("12-cka-least-permissive.yaml");
    let text = &l.steps[0].text;
    let candidate = |k: &str| -> String {
        let start = text.find(&format!("**{k}**")).unwrap();
        let body = &text[start..];
        let open = body.find("```yaml\n").unwrap() + 8;
        let close = body[open..].find("```").unwrap();
        format!("{}---\n{}", l.start_text(0), &body[open..open + close])
    };
    for (k, who) in [("A", "shop/web"), ("C", "shop/api"), ("D", "staging/api")] {
        let st = evaluate_step_text(&l, 0, &candidate(k)).unwrap();
        assert_eq!(st.goals[0].state, Met, "{k}");
        assert_eq!(st.goals[1].state, Unmet, "{k}");
        assert!(
            st.goals[1].offending.iter().any(|f| f.from == who),
            "{k}: {:?}",
            st.goals[1].offending
        );
    }
    let st = evaluate_step_text(&l, 0, &candidate("C")).unwrap();
    assert!(st.goals[1].offending.iter().all(|f| f.port == 16379));
    assert!(evaluate_step_text(&l, 0, &candidate("B")).unwrap().complete);
}

/// A small lesson to break rule by rule.
const LESSON: &str = r#"lesson: netpol-playground/v1
id: tiny
version: 1
title: Tiny
level: practice
summary: One door.
steps:
  - title: Close the door
    text: Only `a` reaches `web`.
    start: |
      apiVersion: v1
      kind: Pod
      metadata: {name: web, labels: {app: web}}
      spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: a, labels: {app: a}}
      spec: {containers: [{name: c, image: x}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: b, labels: {app: b}}
      spec: {containers: [{name: c, image: x}]}
    locked: [Pod/default/web]
    goals:
      - {from: default/a, to: default/web, port: 80, allowed: true}
      - {from: default/b, to: default/web, port: 80, allowed: false}
      - least_privilege: default/web
    hints: ["Select `app: web`."]
    solution: |
      apiVersion: v1
      kind: Pod
      metadata: {name: web, labels: {app: web}}
      spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: a, labels: {app: a}}
      spec: {containers: [{name: c, image: x}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: b, labels: {app: b}}
      spec: {containers: [{name: c, image: x}]}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: web}
      spec:
        podSelector: {matchLabels: {app: web}}
        ingress: [{from: [{podSelector: {matchLabels: {app: a}}}], ports: [{port: 80}]}]
"#;

fn problems(text: &str) -> Vec<StepProblem> {
    let r = check_lesson(0, text);
    assert!(r.lesson.is_some(), "{:?}", r.diagnostics);
    r.steps.into_iter().flat_map(|s| s.problems).collect()
}

#[test]
fn the_check_accepts_a_good_lesson() {
    let r = check_lesson(0, LESSON);
    assert!(r.ok(), "{r:?}");
    assert_eq!(r.steps[0].goals, 3);
}

#[test]
fn a_step_already_solved_teaches_nothing() {
    // Start from the solution: every goal is met before the learner does anything.
    let l = parse_lesson(0, LESSON).0.unwrap();
    let sol = solution(&l, 0);
    let text = LESSON.replacen(
        &format!(
            "    start: |\n{}",
            indent6(&l.steps[0].start.clone().unwrap())
        ),
        &format!("    start: |\n{}", indent6(&sol)),
        1,
    );
    assert_ne!(text, LESSON);
    let p = problems(&text);
    assert_eq!(p, [StepProblem::AlreadySolved]);
    assert!(p[0].message().contains("teaches nothing"));
}

fn indent6(s: &str) -> String {
    s.lines().map(|l| format!("      {l}\n")).collect()
}

#[test]
fn a_solution_that_fails_a_goal_is_reported_with_the_engines_reason() {
    // The solution lets everyone in: goal 2 and least privilege fail.
    let text = replace_once(
        LESSON,
        "ingress: [{from: [{podSelector: {matchLabels: {app: a}}}], ports: [{port: 80}]}]",
        "ingress: [{}]",
    );
    let p = problems(&text);
    assert_eq!(p.len(), 2, "{p:?}");
    // Lines in the reasons are lines of the lesson file.
    let rule_line = text
        .lines()
        .position(|l| l.contains("ingress: [{}]"))
        .unwrap()
        + 1;
    let StepProblem::SolutionFailsGoal { goal, reason, .. } = &p[0] else {
        panic!("{p:?}")
    };
    assert_eq!(*goal, 1);
    assert!(
        reason.contains("should be blocked, but it is allowed")
            && reason.contains(&format!(
                "ingress rule 1 of `default/web` (line {rule_line})"
            )),
        "{reason}"
    );
    let StepProblem::SolutionFailsGoal { goal, reason, .. } = &p[1] else {
        panic!("{p:?}")
    };
    assert_eq!(*goal, 2);
    assert!(
        reason.starts_with(
            "1 flow no goal asks for is allowed, e.g. default/b → default/web port 80/TCP"
        ),
        "{reason}"
    );
}

#[test]
fn a_solution_that_changes_a_locked_object_fails() {
    let l = parse_lesson(0, LESSON).0.unwrap();
    // Relabelling `web` would dodge nothing here, but it is locked: the check says so.
    let sol = solution(&l, 0);
    let changed = sol.replacen(
        "containerPort: 80}]",
        "containerPort: 80}, {containerPort: 81}]",
        1,
    );
    let text = LESSON.replacen(&indent6(&sol), &indent6(&changed), 1);
    assert_ne!(text, LESSON);
    let p = problems(&text);
    assert!(p.iter().any(|p| matches!(p, StepProblem::SolutionBreaksLock { object, .. } if object == "Pod/default/web")), "{p:?}");
    // Reformatting the locked object is not a change.
    let reformatted = sol.replacen(
        "metadata: {name: web, labels: {app: web}}",
        "metadata:\n  labels:\n    app: \"web\"\n  name: web\n  namespace: default",
        1,
    );
    let st = evaluate_step_text(&l, 0, &reformatted).unwrap();
    assert_eq!(st.locked[0].state, LockState::Kept);
    assert!(st.complete);
    // Deleted.
    let deleted = sol.replacen("metadata: {name: web,", "metadata: {name: web2,", 1);
    let st = evaluate_step_text(&l, 0, &deleted).unwrap();
    assert_eq!(st.locked[0].state, LockState::Deleted);
    assert!(!st.complete);
    assert!(st.locked[0].message().contains("`Pod/default/web`"));
    // A lock on an object the start does not have is the author's mistake.
    let text = replace_once(
        LESSON,
        "locked: [Pod/default/web]",
        "locked: [Pod/default/nope]",
    );
    assert!(problems(&text).contains(&StepProblem::LockedNotInStart {
        object: "Pod/default/nope".into()
    }));
}

#[test]
fn every_name_in_a_goal_must_resolve() {
    let text = replace_once(LESSON, "{from: default/b, to:", "{from: default/bb, to:");
    let p = problems(&text);
    let StepProblem::UnknownName { goal, error } = &p[0] else {
        panic!("{p:?}")
    };
    assert_eq!(*goal, 1);
    assert_eq!((error.span.start.line, error.span.start.col), (28, 16));
    assert!(
        error
            .message
            .contains("no pod, workload or Service named `default/bb`; did you mean"),
        "{}",
        error.message
    );
    let text = replace_once(
        LESSON,
        "least_privilege: default/web",
        "least_privilege: [default/web, default/wbe]",
    );
    assert!(
        matches!(&problems(&text)[0], StepProblem::UnknownName { goal: 2, error } if error.name == "default/wbe")
    );
}

#[test]
fn a_malformed_lesson_gets_located_diagnostics() {
    let text = replace_once(LESSON, "    hints: [", "    hint: [");
    let r = check_lesson(0, &text);
    assert!(!r.ok());
    let d = &r.diagnostics[0];
    assert_eq!(d.code, Code::UnknownField);
    let s = d.span.unwrap();
    assert_eq!((s.start.line, s.start.col), (30, 5));
    let text = replace_once(LESSON, "version: 1", "version: one");
    let r = check_lesson(0, &text);
    assert!(!r.ok() && r.lesson.is_none());
    assert_eq!(r.diagnostics[0].span.unwrap().start.line, 3);
    let r = check_lesson(0, "lesson: netpol-playground/v1\nid: x\nsteps: [\n");
    assert_eq!(r.diagnostics[0].code, Code::YamlSyntax);
    assert!(!r.ok());
}

#[test]
fn least_privilege_counts_outside_ranges_the_policies_name() {
    // The policy lets 10.0.0.0/8 in: an outside source no goal names.
    let open = replace_once(
        LESSON,
        "ingress: [{from: [{podSelector: {matchLabels: {app: a}}}], ports: [{port: 80}]}]",
        "ingress: [{from: [{podSelector: {matchLabels: {app: a}}}, {ipBlock: {cidr: 10.0.0.0/8}}], ports: [{port: 80}]}]",
    );
    let l = parse_lesson(0, &open).0.unwrap();
    let st = evaluate_step_text(&l, 0, &solution(&l, 0)).unwrap();
    assert_eq!(st.goals[2].state, Unmet);
    assert_eq!(st.goals[2].offending.len(), 1);
    assert_eq!(st.goals[2].offending[0].from, "10.0.0.0/8");
    assert!(
        matches!(st.goals[2].offending[0].src, engine::evaluate::Endpoint::External(ip) if ip.to_string() == "10.0.0.0")
    );
    assert!(st.goals[2].offending[0]
        .explanation
        .contains("ipBlock `10.0.0.0/8`"));
    // A goal that allows an address of that range covers it.
    let covered = replace_once(
        &open,
        "      - least_privilege: default/web",
        "      - {from: 10.1.2.3, to: default/web, port: 80, allowed: true}\n      - least_privilege: default/web",
    );
    let l = parse_lesson(0, &covered).0.unwrap();
    let st = evaluate_step_text(&l, 0, &solution(&l, 0)).unwrap();
    assert!(st.complete, "{:?}", st.goals);
}

#[test]
fn goals_are_evaluated_on_the_pages_analysis() {
    let l = parse_lesson(0, LESSON).0.unwrap();
    let a = analyze(&[Source::new("editor", solution(&l, 0))]);
    let st = evaluate_step(&l, 0, &a).unwrap();
    assert!(st.complete);
    let g = &st.goals[0];
    assert_eq!(
        (g.index, g.label.as_str()),
        (0, "default/a → default/web port 80/TCP: allowed")
    );
    assert!(
        g.reason
            .starts_with("allowed, as wanted: ingress of `default/web`: allowed by ingress rule 1"),
        "{}",
        g.reason
    );
    assert_eq!(g.verdict.as_ref().unwrap().hops.len(), 1);
    assert!(
        st.goals[2]
            .reason
            .starts_with("only the flows the goals name reach 1 pod"),
        "{}",
        st.goals[2].reason
    );
    assert!(evaluate_step(&l, 5, &a).is_none());
    // The start: goal 2 and least privilege unmet, with reasons.
    let st = evaluate_step_text(&l, 0, &l.start_text(0)).unwrap();
    assert_eq!(
        st.goals.iter().map(|g| g.state.clone()).collect::<Vec<_>>(),
        [Met, Unmet, Unmet]
    );
    assert!(
        st.goals[1].reason.contains("not isolated"),
        "{}",
        st.goals[1].reason
    );
}

#[test]
fn port_names_in_goals_resolve_on_the_destination() {
    // Named container port: resolved on the pod, by protocol.
    let named = LESSON.replace(
        "ports: [{containerPort: 80}]",
        "ports: [{name: http, containerPort: 80}]",
    );
    let text = replace_once(
        &named,
        "{from: default/a, to: default/web, port: 80,",
        "{from: default/a, to: default/web, port: http,",
    );
    let l = parse_lesson(0, &text).0.unwrap();
    let st = evaluate_step_text(&l, 0, &solution(&l, 0)).unwrap();
    assert!(st.complete, "{:?}", st.goals);
    assert_eq!(st.goals[0].verdict.as_ref().unwrap().port, 80);
    // Unknown name, or the right name with the wrong protocol: the goal cannot be evaluated.
    for (port, proto) in [("nope", "TCP"), ("http", "UDP")] {
        let text = replace_once(
            &named,
            "{from: default/a, to: default/web, port: 80,",
            &format!("{{from: default/a, to: default/web, port: {port}, protocol: {proto},"),
        );
        let l = parse_lesson(0, &text).0.unwrap();
        let st = evaluate_step_text(&l, 0, &solution(&l, 0)).unwrap();
        assert_eq!(st.goals[0].state, Unresolved);
        assert_eq!(
            st.goals[0].reason,
            format!("`default/web` has no {proto} port named `{port}`")
        );
    }
}

#[test]
fn more_builtin_pitfalls() {
    // 2: selecting `app: wordpress` isolates the web pods too: visitors are cut off.
    let l = builtin("02-wordpress-mysql.yaml");
    let wide = replace_once(
        &solution(&l, 1),
        "  podSelector:\n    matchLabels:\n      tier: mysql\n",
        "  podSelector:\n    matchLabels:\n      app: wordpress\n",
    );
    let st = evaluate_step_text(&l, 1, &wide).unwrap();
    assert_eq!(
        st.goals.iter().map(|g| g.state.clone()).collect::<Vec<_>>(),
        [Met, Met, Unmet, Met]
    );
    assert!(
        st.goals[2].reason.contains("DENIED"),
        "{}",
        st.goals[2].reason
    );

    // 6: without a peer for pods, the ipBlock rule cuts pod-to-pod traffic.
    let l = builtin("06-ipblock-metadata.yaml");
    let no_pods = replace_once(
        &solution(&l, 0),
        "    - to:\n        - namespaceSelector: {}\n",
        "",
    );
    assert_eq!(states(&l, 0, &no_pods), [Met, Met, Met, Unmet]);

    // 7: the start's allow-all is flagged by a lint, and the explanation names it.
    let l = builtin("07-policies-add-up.yaml");
    let start = l.start_text(0);
    let a = analyze(&[Source::new("start", start.as_str())]);
    assert!(a
        .diagnostics
        .iter()
        .any(|d| d.code == Code::LintAllowAllVoidsDeny));
    let st = evaluate_step_text(&l, 0, &start).unwrap();
    assert_eq!(st.goals[1].state, Unmet);
    assert!(
        st.goals[1].reason.contains("`default/allow-all-ingress`"),
        "{}",
        st.goals[1].reason
    );
    // Editing a locked policy instead is refused.
    let edited = replace_once(
        &start,
        "  policyTypes: [Ingress]\n",
        "  policyTypes: [Ingress, Egress]\n",
    );
    let st = evaluate_step_text(&l, 0, &edited).unwrap();
    assert_eq!(st.locked[0].state, LockState::Changed);
    assert!(!st.complete);

    // 10: without `ports`, port 80 opens too.
    let l = builtin("10-cka-port-from-namespace.yaml");
    let all_ports = replace_once(
        &solution(&l, 1),
        "      ports:\n        - protocol: TCP\n          port: 9000\n",
        "",
    );
    assert_eq!(states(&l, 1, &all_ports), [Met, Met, Unmet, Unmet]);

    // 13: the start splits peers and ports; the lint says so.
    let l = builtin("13-peers-ports-split.yaml");
    let a = analyze(&[Source::new("start", l.start_text(0))]);
    assert!(a
        .diagnostics
        .iter()
        .any(|d| d.code == Code::LintPeersPortsSplit));
    assert_eq!(states(&l, 0, &l.start_text(0)), [Met, Unmet, Unmet, Unmet]);
}

/// The deciding tier of a flow goal's (single-hop) ingress direction.
fn ingress_tier(g: &engine::lesson::goals::GoalStatus) -> &'static str {
    match &g.verdict.as_ref().unwrap().hops[0].ingress {
        engine::evaluate::Outcome::Tiered(t) => t.tier_name(),
        o => panic!("not decided through the tiers: {o:?}"),
    }
}

#[test]
fn lesson_14_admin_tiers() {
    let l = builtin("14-admin-tiers.yaml");
    // Admin policies are cluster-scoped: locked by `Kind/name`, without a namespace.
    let lock = l.steps[0]
        .locked
        .iter()
        .find(|o| o.kind == "ClusterNetworkPolicy")
        .unwrap();
    assert_eq!(
        (lock.namespace.as_str(), lock.name.as_str()),
        ("", "deny-from-sandbox")
    );

    // Step 1: the Admin-tier Deny in the solution decides before the team's allow-all.
    let st = evaluate_step_text(&l, 0, &solution(&l, 0)).unwrap();
    assert!(st.complete, "{:?}", st.goals);
    assert_eq!(ingress_tier(&st.goals[1]), "Admin");
    // The start: the team's allow-all lets reporting and the shop in.
    assert_eq!(states(&l, 0, &l.start_text(0)), [Met, Unmet, Unmet, Unmet]);

    // Step 2, the pitfall: the learner's allow-all NetworkPolicy on the database does not open
    // it, and the engine says the Admin tier decided.
    assert_eq!(l.start_text(1), solution(&l, 0));
    let learner_np = "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: db-allow-all\n  namespace: payments\nspec:\n  podSelector:\n    matchLabels:\n      app: db\n  ingress:\n    - {}\n";
    let with_np = format!("{}{learner_np}", l.start_text(1));
    let st = evaluate_step_text(&l, 1, &with_np).unwrap();
    assert_eq!(
        st.goals.iter().map(|g| g.state.clone()).collect::<Vec<_>>(),
        [Unmet, Met, Met, Met]
    );
    assert_eq!(ingress_tier(&st.goals[0]), "Admin");
    assert!(
        st.goals[0].reason.contains(
            "ClusterNetworkPolicy `protect-payments-db` (Admin, priority 10), rule `deny-others`"
        ) && st.goals[0].reason.contains("denies"),
        "{}",
        st.goals[0].reason
    );
    // ... whereas without the Admin policy that NetworkPolicy alone would let reporting in.
    let cnp = with_np
        .find("apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata:\n  name: protect-payments-db\n")
        .unwrap();
    let cnp_end = cnp + with_np[cnp..].find("---\n").unwrap() + 4;
    let without_cnp = format!("{}{}", &with_np[..cnp], &with_np[cnp_end..]);
    let st = evaluate_step_text(&l, 1, &without_cnp).unwrap();
    assert_eq!(st.goals[0].state, Met);
    assert!(
        st.goals[0]
            .reason
            .contains("allowed by ingress rule 1 of `payments/"),
        "{}",
        st.goals[0].reason
    );
    // Rule order: the Accept for reporting written after the Deny is never reached.
    let sol = solution(&l, 1);
    let acc = sol.find("    - name: from-reporting\n").unwrap();
    let deny = sol.find("    - name: deny-others\n").unwrap();
    let deny_end = deny + sol[deny..].find("        - namespaces: {}\n").unwrap() + 25;
    let reordered = format!(
        "{}{}{}{}",
        &sol[..acc],
        &sol[deny..deny_end],
        &sol[acc..deny],
        &sol[deny_end..]
    );
    assert_ne!(reordered, sol);
    let st = evaluate_step_text(&l, 1, &reordered).unwrap();
    assert_eq!(st.goals[0].state, Unmet);
    assert!(st.goals[0].reason.contains("rule `deny-others`"));
    assert!(evaluate_step_text(&l, 1, &sol).unwrap().complete);

    // Step 3: the Pass hands the decision to the shop team's NetworkPolicy.
    let sol = solution(&l, 2);
    let st = evaluate_step_text(&l, 2, &sol).unwrap();
    assert!(st.complete, "{:?}", st.goals);
    assert_eq!(ingress_tier(&st.goals[0]), "NetworkPolicy");
    assert!(
        st.goals[0].reason.contains(
            "ClusterNetworkPolicy `delegate-shop` (Admin, priority 40), rule `sandbox-to-team`"
        ) && st.goals[0].reason.contains("passes → NetworkPolicy tier"),
        "{}",
        st.goals[0].reason
    );
    assert_eq!(ingress_tier(&st.goals[1]), "NetworkPolicy");
    // An Accept instead overrules the team: the scanner gets in.
    let accept = replace_once(&sol, "action: Pass", "action: Accept");
    assert_eq!(states(&l, 2, &accept), [Met, Unmet, Met, Unmet]);
    // A Pass after the Deny (a higher priority number) is never reached.
    let late = replace_once(&sol, "priority: 40", "priority: 60");
    let st = evaluate_step_text(&l, 2, &late).unwrap();
    assert_eq!(st.goals[0].state, Unmet);
    assert!(
        st.goals[0]
            .reason
            .contains("`deny-from-sandbox` (Admin, priority 50)"),
        "{}",
        st.goals[0].reason
    );

    // Step 4: after the Pass nothing isolates `batch`: the default allowed it; the Baseline
    // denies it, and only there.
    let st = evaluate_step_text(&l, 3, &l.start_text(3)).unwrap();
    assert_eq!(st.goals[0].state, Unmet);
    assert_eq!(ingress_tier(&st.goals[0]), "default");
    let sol = solution(&l, 3);
    let st = evaluate_step_text(&l, 3, &sol).unwrap();
    assert!(st.complete, "{:?}", st.goals);
    assert_eq!(ingress_tier(&st.goals[0]), "Baseline");
    assert_eq!(ingress_tier(&st.goals[1]), "Baseline");
    assert_eq!(ingress_tier(&st.goals[2]), "NetworkPolicy");
    // The same deny in the Admin tier, after the others: it overrides the payments team's
    // allow-all, and never sees what `delegate-shop` passed on (the scanner still gets in).
    let admin = replace_once(
        &sol,
        "tier: Baseline\n  priority: 10\n",
        "tier: Admin\n  priority: 100\n",
    );
    let st = evaluate_step_text(&l, 3, &admin).unwrap();
    assert_eq!(
        st.goals.iter().map(|g| g.state.clone()).collect::<Vec<_>>(),
        [Unmet, Met, Met, Unmet, Met, Unmet]
    );
    assert!(
        st.goals[3]
            .reason
            .contains("`default-deny-ingress` (Admin, priority 100)"),
        "{}",
        st.goals[3].reason
    );
}
