#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code

//! `netpol lesson check`: exit codes, text and JSON reports.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn netpol(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_netpol"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn lessons() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/lessons")
}

fn tmp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("netpol-lesson-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const GOOD: &str = r#"lesson: netpol-playground/v1
id: tiny
version: 3
title: Tiny
level: practice
summary: One door.
steps:
  - title: Read
    text: Hello.
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
    goals:
      - {from: default/a, to: default/web, port: 80, allowed: true}
      - {from: default/web, to: default/a, port: 80, allowed: false}
    hints: ["Isolate `a`."]
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
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: a}
      spec: {podSelector: {matchLabels: {app: a}}}
"#;

#[test]
fn the_builtin_track_passes() {
    let dir = lessons();
    let out = netpol(&["lesson", "check", dir.to_str().unwrap()]);
    let text = stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("ok   classic-demo@1 ("), "{text}");
    // index.yaml is not a lesson: skipped in a directory.
    assert!(!text.contains("index.yaml"), "{text}");
    let n = std::fs::read_dir(&dir).unwrap().count() - 1;
    assert!(
        text.trim_end()
            .ends_with(&format!("{n} lessons passed, 0 failed")),
        "{text}"
    );
}

#[test]
fn a_good_lesson_in_json() {
    let p = tmp("good.yaml", GOOD);
    let out = netpol(&["lesson", "check", p.to_str().unwrap(), "--output", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["passed"], 1);
    assert_eq!(v["failed"], 0);
    let l = &v["lessons"][0];
    assert_eq!(
        (l["id"].as_str(), l["version"].as_u64(), l["ok"].as_bool()),
        (Some("tiny"), Some(3), Some(true))
    );
    assert_eq!(l["steps"][1]["goals"], 2);
    assert_eq!(l["steps"][1]["problems"], serde_json::json!([]));
}

#[test]
fn failing_steps_are_reported_with_exit_1() {
    // The step already solved (its start is the solution) and a solution failing a goal.
    let solved = GOOD.replacen(
        "      spec: {containers: [{name: c, image: x}]}\n    goals:",
        "      spec: {containers: [{name: c, image: x}]}\n      ---\n      apiVersion: networking.k8s.io/v1\n      kind: NetworkPolicy\n      metadata: {name: a}\n      spec: {podSelector: {matchLabels: {app: a}}}\n    goals:",
        1,
    );
    assert_ne!(solved, GOOD);
    let broken = GOOD.replacen(
        "to: default/a, port: 80, allowed: false",
        "to: default/a, port: 80, allowed: true",
        1,
    );
    let unknown = GOOD.replacen("from: default/a,", "from: default/aa,", 1);
    let ps = [
        tmp("solved.yaml", &solved),
        tmp("broken.yaml", &broken),
        tmp("unknown.yaml", &unknown),
    ];
    let args: Vec<&str> = ["lesson", "check"]
        .into_iter()
        .chain(ps.iter().map(|p| p.to_str().unwrap()))
        .collect();
    let out = netpol(&args);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("step 2 (Close the door): this step teaches nothing"),
        "{text}"
    );
    assert!(
        text.contains("step 2 (Close the door): the solution does not meet goal 2"),
        "{text}"
    );
    assert!(
        text.contains("should be allowed, but it is blocked: ingress of `default/a`: DENIED"),
        "{text}"
    );
    assert!(
        text.contains("goal 1 (line 23:16): no pod, workload or Service named `default/aa`"),
        "{text}"
    );
    assert!(
        text.trim_end().ends_with("0 lessons passed, 3 failed"),
        "{text}"
    );

    let mut json_args = args.clone();
    json_args.extend(["--output", "json"]);
    let out = netpol(&json_args);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds = |i: usize| -> Vec<String> {
        v["lessons"][i]["steps"][1]["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["kind"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(kinds(0), ["already-solved"]);
    // Allowing web → a makes the start (no policy) meet every goal too.
    assert_eq!(kinds(1), ["already-solved", "solution-fails-goal"]);
    assert_eq!(v["lessons"][1]["steps"][1]["problems"][1]["goal"], 2);
    assert_eq!(kinds(2), ["unknown-name"]);
    let p = &v["lessons"][2]["steps"][1]["problems"][0];
    assert_eq!(
        (p["line"].as_u64(), p["column"].as_u64()),
        (Some(23), Some(16))
    );
    assert_eq!(v["lessons"][2]["steps"][1]["ok"], false);
    assert_eq!(v["lessons"][2]["steps"][0]["ok"], true);
}

#[test]
fn a_malformed_lesson_names_line_and_column() {
    let p = tmp(
        "malformed.yaml",
        &GOOD.replacen("    hints: [", "    hint: [", 1),
    );
    let out = netpol(&["lesson", "check", p.to_str().unwrap()]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("error[unknown-field]: unknown field `hint` in `step 2`"),
        "{text}"
    );
    assert!(text.contains("malformed.yaml:25:5"), "{text}");
    assert!(text.contains("did you mean `hints`?"), "{text}");
    let out = netpol(&["lesson", "check", p.to_str().unwrap(), "-o", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &v["lessons"][0]["diagnostics"][0];
    assert_eq!(
        (d["code"].as_str(), d["line"].as_u64(), d["column"].as_u64()),
        (Some("unknown-field"), Some(25), Some(5))
    );
    assert_eq!(v["lessons"][0]["id"], serde_json::Value::Null);
}

#[test]
fn unreadable_input_exits_2() {
    let out = netpol(&["lesson", "check", "/nonexistent/lesson.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/lesson.yaml"));
    // The readable ones are still checked and reported.
    let p = tmp("good2.yaml", GOOD);
    let out = netpol(&[
        "lesson",
        "check",
        p.to_str().unwrap(),
        "/nonexistent/x.yaml",
        "-o",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["passed"], 1);
    assert_eq!(v["unreadable"].as_array().unwrap().len(), 1);
}

#[test]
fn the_readme_example_lesson_passes() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .unwrap();
    let start = readme
        .find("```yaml\nlesson: netpol-playground/v1")
        .expect("the README has a complete lesson example")
        + "```yaml\n".len();
    let end = start + readme[start..].find("```\n").unwrap();
    let p = tmp("readme.yaml", &readme[start..end]);
    let out = netpol(&["lesson", "check", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // Without `ports:` the solution opens port 80 too: least privilege fails, as documented.
    let open = readme[start..end].replacen("            ports: [{port: 9000}]\n", "", 1);
    let p = tmp("readme-open.yaml", &open);
    let out = netpol(&["lesson", "check", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("does not meet goal 3 (nothing else reaches fubar/app): 1 flow no goal asks for is allowed, e.g. internal/client → fubar/app port 80/TCP: ingress of `fubar/app`: allowed by ingress rule 1 of `fubar/allow-internal-9000` (line 60)"));
}
