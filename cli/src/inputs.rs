//! Reading FILES arguments: files, directories (recursive, sorted) and `-` for stdin.

use std::io::Read;
use std::path::{Path, PathBuf};

use engine::{Analysis, Source};

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
        if p.is_dir() {
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
    let a = engine::analyze(&sources);
    crate::render::report_problems(&a);
    Some(a)
}
