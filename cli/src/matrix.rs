//! `netpol matrix`: the workload × workload (or `--pods`: pod × pod) truth table for one port,
//! or the allowed port sets; as JSON, grouped by behaviour.

mod table;

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use engine::connectivity::{compute, Connectivity};
use engine::{Analysis, PortSet, Protocol};

use crate::port_arg::PortArg;
use crate::TableOutput;
use table::Style;

pub fn run(
    files: &[String],
    port: Option<PortArg>,
    protocol: Option<Protocol>,
    per_pod: bool,
    output: TableOutput,
) -> u8 {
    if let (Some(p), None) = (protocol, &port) {
        eprintln!("error: --protocol {p} needs --port: without --port the matrix lists the allowed ports of every protocol");
        return 2;
    }
    let protocol = protocol.unwrap_or(Protocol::Tcp);
    let json_port = match (&port, output) {
        (Some(PortArg::Name(n)), TableOutput::Json) => {
            eprintln!("error: `--output json` groups pods by behaviour and needs a port number, not the name `{n}` (its number can differ from pod to pod); use a number, or a table output");
            return 2;
        }
        (Some(PortArg::Number(n)), _) => Some(*n),
        _ => None,
    };
    let Some(a) = crate::inputs::analyse(files) else {
        return 2;
    };
    if let Some(PortArg::Name(n)) = &port {
        if !a
            .cluster
            .pods
            .iter()
            .any(|p| p.named_port(n, protocol).is_some())
        {
            eprintln!("error: no pod has a {protocol} container port named `{n}`");
            return 2;
        }
    }
    let conn = compute(&a);
    let port = port.as_ref();
    let out = match output {
        TableOutput::Json => {
            let v = to_json(&a, &conn, json_port, protocol);
            let mut s = serde_json::to_string(&v).unwrap_or_default();
            s.push('\n');
            s
        }
        TableOutput::Text => table::render(&a, &conn, port, protocol, per_pod, Style::Text),
        TableOutput::Csv => table::render(&a, &conn, port, protocol, per_pod, Style::Csv),
        TableOutput::Md => table::render(&a, &conn, port, protocol, per_pod, Style::Md),
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
