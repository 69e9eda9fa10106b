//! `netpol matrix`: the pod × pod truth table (one port) or allowed port sets (all ports).

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::{json, Map, Value};

use engine::connectivity::{compute, Connectivity};
use engine::{Analysis, PortSet, Protocol};

use crate::TableOutput;

pub fn run(files: &[String], port: Option<u16>, protocol: Protocol, output: TableOutput) -> u8 {
    let Some(a) = crate::inputs::analyse(files) else {
        return 2;
    };
    let conn = compute(&a);
    let out = match output {
        TableOutput::Json => {
            let v = to_json(&a, &conn, port, protocol);
            let mut s = serde_json::to_string(&v).unwrap_or_default();
            s.push('\n');
            s
        }
        TableOutput::Text => table(&a, &conn, port, protocol, Style::Text),
        TableOutput::Csv => table(&a, &conn, port, protocol, Style::Csv),
        TableOutput::Md => table(&a, &conn, port, protocol, Style::Md),
    };
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    0
}

fn ports_json(set: &PortSet) -> Value {
    let mut m = Map::new();
    for (p, iv) in set.protocols() {
        m.insert(p.as_str().to_string(), Value::String(iv.to_string()));
    }
    Value::Object(m)
}

/// JSON grouped by classes of identically-behaving pods; see README "matrix JSON".
pub fn to_json(a: &Analysis, conn: &Connectivity, port: Option<u16>, protocol: Protocol) -> Value {
    let groups: Vec<Value> = conn
        .classes
        .iter()
        .enumerate()
        .map(|(i, pods)| {
            json!({
                "id": i,
                "pods": pods.iter().filter_map(|&p| a.cluster.pods.get(p).map(|p| p.qualified())).collect::<Vec<_>>(),
            })
        })
        .collect();
    let outside: Vec<Value> = conn
        .outside
        .iter()
        .enumerate()
        .map(|(i, r)| json!({"id": format!("o{i}"), "cidr": r.cidr.to_string(), "representative": r.representative.to_string()}))
        .collect();
    let mut rows = Vec::new();
    for (ci, row) in conn.class_matrix.iter().enumerate() {
        let single = conn.classes.get(ci).map_or(0, Vec::len) == 1;
        let mut by_set: BTreeMap<&PortSet, Vec<Value>> = BTreeMap::new();
        for (cj, set) in row.iter().enumerate() {
            // A one-pod class to itself is only self-traffic: no pair to report.
            if (ci == cj && single) || set.is_empty() {
                continue;
            }
            by_set.entry(set).or_default().push(json!(cj));
        }
        if let Some(out_row) = conn.to_outside.get(ci) {
            for (ri, set) in out_row.iter().enumerate() {
                if !set.is_empty() {
                    by_set.entry(set).or_default().push(json!(format!("o{ri}")));
                }
            }
        }
        rows.push(row_json(json!(ci), by_set, port, protocol));
    }
    for (ri, row) in conn.from_outside.iter().enumerate() {
        let mut by_set: BTreeMap<&PortSet, Vec<Value>> = BTreeMap::new();
        for (cj, set) in row.iter().enumerate() {
            if !set.is_empty() {
                by_set.entry(set).or_default().push(json!(cj));
            }
        }
        rows.push(row_json(json!(format!("o{ri}")), by_set, port, protocol));
    }
    json!({
        "port": port,
        "protocol": port.map(|_| protocol.as_str()),
        "pods": a.cluster.pods.len(),
        "groups": groups,
        "outside": outside,
        "rows": rows,
        "allowed_triples": conn.allowed_triples(),
    })
}

fn row_json(
    from: Value,
    by_set: BTreeMap<&PortSet, Vec<Value>>,
    port: Option<u16>,
    protocol: Protocol,
) -> Value {
    match port {
        Some(p) => {
            let to: Vec<Value> = by_set
                .into_iter()
                .filter(|(set, _)| set.contains(protocol, p))
                .flat_map(|(_, ids)| ids)
                .collect();
            json!({"from": from, "allowed": to})
        }
        None => json!({
            "from": from,
            "allowed": by_set.into_iter().map(|(set, ids)| json!({"to": ids, "ports": ports_json(set)})).collect::<Vec<_>>(),
        }),
    }
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
