//! Reading FILES arguments: files, directories (recursive, sorted) and `-` for stdin.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use engine::{Analysis, Options, Source, Validate};

/// `--validate` (as kubectl's).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ValidateArg {
    Strict,
    Warn,
}

struct Settings {
    options: Options,
    verbose: bool,
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();

/// Global flags (`-n`, `--validate`, `--verbose`), set once by `main`.
pub fn configure(namespace: Option<String>, validate: ValidateArg, verbose: bool) {
    let validate = match validate {
        ValidateArg::Strict => Validate::Strict,
        ValidateArg::Warn => Validate::Warn,
    };
    let _ = SETTINGS.set(Settings {
        options: Options {
            default_namespace: namespace,
            validate,
        },
        verbose,
    });
}

/// The lowering options the global flags give.
pub fn options() -> Options {
    SETTINGS
        .get()
        .map_or_else(Options::default, |s| s.options.clone())
}

/// Analyses with the global flags, and summarises the ignored objects on stderr.
pub fn analyze_sources(sources: &[Source]) -> Analysis {
    let (options, verbose) = SETTINGS.get().map_or((Options::default(), false), |s| {
        (s.options.clone(), s.verbose)
    });
    let a = engine::analyze_with(sources, &options);
    let total: usize = a.ignored.values().sum();
    if total > 0 {
        let kinds = a.ignored.len();
        // "1 kind that does not", "2 kinds that do not".
        let that = if kinds == 1 {
            "kind that does"
        } else {
            "kinds that do"
        };
        if verbose {
            eprintln!(
                "ignored {total} object{} of {kinds} {that} not affect traffic:",
                if total == 1 { "" } else { "s" },
            );
            for (kind, n) in &a.ignored {
                eprintln!("  {kind} ×{n}: {}", ignored_names(&a, kind).join(", "));
            }
        } else {
            eprintln!(
                "ignored {total} object{} of {kinds} {that} not affect traffic; --verbose lists them",
                if total == 1 { "" } else { "s" },
            );
        }
    }
    a
}

/// The ignored objects of `kind` as written (`ns/name`, or `name` without a namespace: the
/// engine does not know whether the kind is namespaced), in input order; an object without a
/// name by its position.
fn ignored_names(a: &Analysis, kind: &str) -> Vec<String> {
    a.cluster
        .ignored_objects
        .iter()
        .filter(|o| o.kind == kind)
        .map(|o| match (&o.namespace, &o.name) {
            (Some(ns), Some(name)) => format!("{ns}/{name}"),
            (None, Some(name)) => name.clone(),
            (_, None) => {
                let file = a
                    .sources
                    .get(o.span.source as usize)
                    .map_or("", |s| s.name.as_str());
                format!("(no name, {file}:{})", o.span.start.line)
            }
        })
        .collect()
}

/// A Helm chart (a `Chart.yaml`, or templates with `{{ }}`) is not a manifest until rendered.
fn helm_chart(dir: &Path) -> bool {
    dir.join("Chart.yaml").is_file()
        || (dir.file_name().and_then(|n| n.to_str()) == Some("templates")
            && std::fs::read_dir(dir).is_ok_and(|rd| {
                rd.flatten()
                    .any(|e| std::fs::read_to_string(e.path()).is_ok_and(|t| t.contains("{{")))
            }))
}

/// Reads every input; unreadable ones are reported on stderr and skipped.
pub fn read(args: &[String]) -> Vec<Source> {
    let mut out = Vec::new();
    for arg in args {
        if arg == "-" {
            let mut text = String::new();
            match std::io::stdin().read_to_string(&mut text) {
                Ok(_) => out.push(Source::new("<stdin>", text)),
                Err(e) => eprintln!("error: cannot read stdin: {e}"),
            }
            continue;
        }
        let path = Path::new(arg);
        if path.is_dir() && helm_chart(path) {
            eprintln!("error: {arg} is a Helm chart: render it first: helm template RELEASE {arg} | netpol COMMAND -");
            continue;
        }
        if path.is_dir() {
            let mut files = Vec::new();
            walk(path, &mut files);
            files.sort();
            if files.is_empty() {
                eprintln!("warning: {arg}: no *.yaml, *.yml or *.json files in this directory");
            }
            for f in files {
                push_file(&f, &mut out);
            }
        } else {
            push_file(path, &mut out);
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        eprintln!("error: {}: cannot read directory", dir.display());
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() && helm_chart(&p) {
            // A chart inside a scanned directory: skipped, the rest is read.
            eprintln!(
                "warning: {} is a Helm chart, skipped: render it first: helm template RELEASE {} | netpol COMMAND -",
                p.display(),
                p.display()
            );
        } else if p.is_dir() {
            walk(&p, out);
        } else if matches!(
            p.extension().and_then(|x| x.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            out.push(p);
        }
    }
}

fn push_file(path: &Path, out: &mut Vec<Source>) {
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!(
                        "warning: {}: not valid UTF-8; invalid bytes replaced",
                        path.display()
                    );
                    String::from_utf8_lossy(e.as_bytes()).into_owned()
                }
            };
            if text.contains("{{") && text.contains("}}") {
                eprintln!("warning: {}: looks like a Helm template: render it first: helm template RELEASE CHART | netpol COMMAND -", path.display());
            }
            out.push(Source::new(path.display().to_string(), text));
        }
        Err(e) => eprintln!("error: {}: {e}", path.display()),
    }
}

/// Reads and analyses FILES; errors and warnings about individual documents go to stderr.
/// `None` (exit status 2) when no manifest could be read at all.
pub fn analyse(args: &[String]) -> Option<Analysis> {
    let sources = read(args);
    if sources.is_empty() {
        eprintln!("error: no readable manifest");
        return None;
    }
    let a = analyze_sources(&sources);
    crate::render::report_problems(&a);
    Some(a)
}

/// Reads the manifests and resolves a flow's two ends and its port (a name resolved on the
/// destination), as `explain` and `suggest` take them. Problems go to stderr; `None` means exit 2.
pub fn flow(
    files: &[String],
    from: &str,
    to: &str,
    port: &crate::port_arg::PortArg,
    protocol: engine::Protocol,
) -> Option<(Analysis, engine::Target, engine::Target, u16)> {
    let a = analyse(files)?;
    let (f, t) = match (a.resolve(from), a.resolve(to)) {
        (Ok(f), Ok(t)) => (f, t),
        (f, t) => {
            for e in [f.err(), t.err()].into_iter().flatten() {
                eprintln!("error: {e}");
            }
            return None;
        }
    };
    match crate::port_arg::resolve_for(&a, t, port, protocol) {
        Ok(n) => Some((a, f, t, n)),
        Err(e) => {
            eprintln!("error: {e}");
            None
        }
    }
}
