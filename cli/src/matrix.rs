//! `netpol matrix`: the pod × pod truth table (one port) or allowed port sets (all ports).

mod json;

use std::fmt::Write;

use engine::connectivity::{compute, Connectivity};
use engine::{Analysis, Protocol};

use crate::TableOutput;

pub fn run(files: &[String], port: Option<u16>, protocol: Protocol, output: TableOutput) -> u8 {
    let Some(a) = crate::inputs::analyse(files) else {
        return 2;
    };
    let conn = compute(&a);
    let out = match output {
        TableOutput::Json => json::render(&a, &conn, port, protocol),
        TableOutput::Text => table(&a, &conn, port, protocol, Style::Text),
        TableOutput::Csv => table(&a, &conn, port, protocol, Style::Csv),
        TableOutput::Md => table(&a, &conn, port, protocol, Style::Md),
    };
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    0
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Text,
    Csv,
    Md,
}

fn table(
    a: &Analysis,
    conn: &Connectivity,
    port: Option<u16>,
    protocol: Protocol,
    style: Style,
) -> String {
    let names: Vec<String> = a.cluster.pods.iter().map(|p| p.qualified()).collect();
    let n = names.len();
    let cell = |i: usize, j: usize| -> String {
        if i == j {
            return "-".into();
        }
        let set = conn.between(i, j);
        match port {
            Some(p) => if set.contains(protocol, p) { "." } else { "X" }.into(),
            None => set.to_string(),
        }
    };
    let mut out = String::new();
    match style {
        Style::Csv => {
            let _ = writeln!(out, "from\\to,{}", names.join(","));
            for i in 0..n {
                let cells: Vec<String> = (0..n).map(|j| csv_escape(&cell(i, j))).collect();
                let _ = writeln!(
                    out,
                    "{},{}",
                    names.get(i).map_or("", String::as_str),
                    cells.join(",")
                );
            }
        }
        Style::Md => {
            let _ = writeln!(out, "| from \\ to | {} |", names.join(" | "));
            let _ = writeln!(out, "|---|{}", "---|".repeat(n));
            for i in 0..n {
                let cells: Vec<String> = (0..n).map(|j| cell(i, j)).collect();
                let _ = writeln!(
                    out,
                    "| {} | {} |",
                    names.get(i).map_or("", String::as_str),
                    cells.join(" | ")
                );
            }
        }
        Style::Text => match port {
            Some(p) => {
                let _ = writeln!(out, "port {p}/{protocol}: `.` allowed, `X` blocked, `-` self (rows: from, columns: to)");
                let w = n.to_string().len();
                let mut header = format!("{:w$}  {:nw$} ", "", "", nw = name_width(&names));
                for j in 0..n {
                    let _ = write!(header, "{:>w$}", j + 1);
                    header.push(' ');
                }
                let _ = writeln!(out, "{}", header.trim_end());
                for i in 0..n {
                    let mut line = format!(
                        "{:>w$}  {:nw$} ",
                        i + 1,
                        names.get(i).map_or("", String::as_str),
                        nw = name_width(&names)
                    );
                    for j in 0..n {
                        let _ = write!(line, "{:>w$}", cell(i, j));
                        line.push(' ');
                    }
                    let _ = writeln!(out, "{}", line.trim_end());
                }
            }
            None => {
                for i in 0..n {
                    for j in 0..n {
                        if i == j {
                            continue;
                        }
                        let _ = writeln!(
                            out,
                            "{} → {}: {}",
                            names.get(i).map_or("", String::as_str),
                            names.get(j).map_or("", String::as_str),
                            conn.between(i, j)
                        );
                    }
                }
            }
        },
    }
    out
}

fn name_width(names: &[String]) -> usize {
    names.iter().map(|n| n.chars().count()).max().unwrap_or(0)
}

fn csv_escape(s: &str) -> String {
    if s.contains([',', '"', ' ']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
