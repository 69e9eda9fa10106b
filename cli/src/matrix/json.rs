//! `matrix --output json`, written straight into a string: no `serde_json::Value` tree, and
//! destinations grouped by port set through the set ids of the connectivity matrices (a row of
//! a 20,000-pod cluster has thousands of cells but only a handful of distinct sets). The shape
//! and key order are those documented in README "matrix JSON".

use std::collections::BTreeMap;
use std::fmt::Write;

use engine::connectivity::{Connectivity, SetMatrix, SetRow};
use engine::{Analysis, PortSet, Protocol};

/// A destination in a row: a class (group) id or an outside range id (`o<i>`).
#[derive(Clone, Copy)]
enum Dest {
    Group(usize),
    Outside(usize),
}

/// Port sets of all three matrices, ranked in `PortSet` order (the order groups are listed in).
struct Ranks<'c> {
    sets: Vec<&'c PortSet>,
    /// Per matrix: set id → rank (`None` for the empty set: never listed).
    of: [Vec<Option<usize>>; 3],
}

impl<'c> Ranks<'c> {
    fn new(matrices: [&'c SetMatrix; 3]) -> Ranks<'c> {
        let mut order: BTreeMap<&PortSet, usize> = BTreeMap::new();
        for m in matrices {
            for s in m.sets() {
                order.insert(s, 0);
            }
        }
        for (rank, v) in order.values_mut().enumerate() {
            *v = rank;
        }
        let of = matrices.map(|m| {
            m.sets()
                .iter()
                .map(|s| (!s.is_empty()).then(|| order.get(s).copied()).flatten())
                .collect()
        });
        Ranks {
            sets: order.into_keys().collect(),
            of,
        }
    }
}

/// One row's destinations bucketed by rank, reused from row to row.
struct Buckets {
    by_rank: Vec<Vec<Dest>>,
    touched: Vec<usize>,
}

impl Buckets {
    fn add(
        &mut self,
        ranks: &[Option<usize>],
        row: SetRow<'_>,
        skip: Option<usize>,
        dest: fn(usize) -> Dest,
    ) {
        for (j, &id) in row.ids().iter().enumerate() {
            if Some(j) == skip {
                continue;
            }
            let Some(rank) = ranks.get(id as usize).copied().flatten() else {
                continue;
            };
            if let Some(b) = self.by_rank.get_mut(rank) {
                if b.is_empty() {
                    self.touched.push(rank);
                }
                b.push(dest(j));
            }
        }
    }
}

fn string(out: &mut String, s: &str) {
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

fn dest(out: &mut String, d: Dest) {
    let _ = match d {
        Dest::Group(i) => write!(out, "{i}"),
        Dest::Outside(i) => write!(out, "\"o{i}\""),
    };
}

/// Writes `{"from":…,"allowed":[…]}` from the filled buckets, then empties them.
fn row(
    out: &mut String,
    from: Dest,
    b: &mut Buckets,
    sets: &[&PortSet],
    port: Option<u16>,
    protocol: Protocol,
) {
    out.push_str("{\"from\":");
    dest(out, from);
    out.push_str(",\"allowed\":[");
    b.touched.sort_unstable();
    let mut first = true;
    for &rank in &b.touched {
        let (Some(ids), Some(set)) = (b.by_rank.get_mut(rank), sets.get(rank)) else {
            continue;
        };
        match port {
            Some(p) => {
                if set.contains(protocol, p) {
                    for &d in ids.iter() {
                        if !first {
                            out.push(',');
                        }
                        first = false;
                        dest(out, d);
                    }
                }
            }
            None => {
                if !first {
                    out.push(',');
                }
                first = false;
                out.push_str("{\"to\":[");
                for (i, &d) in ids.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    dest(out, d);
                }
                out.push_str("],\"ports\":{");
                for (i, (p, iv)) in set.protocols().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, "\"{}\":\"{iv}\"", p.as_str());
                }
                out.push_str("}}");
            }
        }
        ids.clear();
    }
    b.touched.clear();
    out.push_str("]}");
}

/// Allowed (source pod, destination pod, protocol+port) triples: over every port, or with
/// `--port` only that port and protocol (README: `allowed_triples`).
fn triples(conn: &Connectivity, port: Option<u16>, protocol: Protocol) -> u64 {
    match port {
        Some(p) => conn.allowed_pairs_on(protocol, p),
        None => conn.allowed_triples(),
    }
}

/// The matrix as JSON (with the trailing newline).
pub fn render(a: &Analysis, conn: &Connectivity, port: Option<u16>, protocol: Protocol) -> String {
    let mut out = String::new();
    out.push_str("{\"port\":");
    let _ = match port {
        Some(p) => write!(out, "{p}"),
        None => write!(out, "null"),
    };
    out.push_str(",\"protocol\":");
    match port {
        Some(_) => string(&mut out, protocol.as_str()),
        None => out.push_str("null"),
    }
    let _ = write!(out, ",\"pods\":{},\"groups\":[", a.cluster.pods.len());
    for (i, pods) in conn.classes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{{\"id\":{i},\"pods\":[");
        for (j, pod) in pods
            .iter()
            .filter_map(|&p| a.cluster.pods.get(p))
            .enumerate()
        {
            if j > 0 {
                out.push(',');
            }
            string(&mut out, &pod.qualified());
        }
        out.push_str("]}");
    }
    out.push_str("],\"outside\":[");
    for (i, r) in conn.outside.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{{\"id\":\"o{i}\",\"cidr\":");
        string(&mut out, &r.cidr.to_string());
        out.push_str(",\"representative\":");
        string(&mut out, &r.representative.to_string());
        out.push('}');
    }
    out.push_str("],\"rows\":[");
    let ranks = Ranks::new([&conn.class_matrix, &conn.to_outside, &conn.from_outside]);
    let [pair_ranks, to_ranks, from_ranks] = &ranks.of;
    let mut b = Buckets {
        by_rank: vec![Vec::new(); ranks.sets.len()],
        touched: Vec::new(),
    };
    let mut first = true;
    for (ci, pairs) in conn.class_matrix.iter().enumerate() {
        // A one-pod class to itself is only self-traffic: no pair to report.
        let single = conn.classes.get(ci).map_or(0, Vec::len) == 1;
        b.add(pair_ranks, pairs, single.then_some(ci), Dest::Group);
        if let Some(out_row) = conn.to_outside.get(ci) {
            b.add(to_ranks, out_row, None, Dest::Outside);
        }
        if !first {
            out.push(',');
        }
        first = false;
        row(
            &mut out,
            Dest::Group(ci),
            &mut b,
            &ranks.sets,
            port,
            protocol,
        );
    }
    for (ri, from) in conn.from_outside.iter().enumerate() {
        b.add(from_ranks, from, None, Dest::Group);
        if !first {
            out.push(',');
        }
        first = false;
        row(
            &mut out,
            Dest::Outside(ri),
            &mut b,
            &ranks.sets,
            port,
            protocol,
        );
    }
    let _ = writeln!(
        out,
        "],\"allowed_triples\":{}}}",
        triples(conn, port, protocol)
    );
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)] // test code

    use std::collections::BTreeMap;

    use serde_json::{json, Map, Value};

    use super::*;
    use engine::connectivity::compute;
    use engine::{analyze, Source};

    /// The former `serde_json::Value` construction, kept as the reference for the writer.
    fn reference(
        a: &Analysis,
        conn: &Connectivity,
        port: Option<u16>,
        protocol: Protocol,
    ) -> String {
        let ports_json = |set: &PortSet| {
            let mut m = Map::new();
            for (p, iv) in set.protocols() {
                m.insert(p.as_str().to_string(), Value::String(iv.to_string()));
            }
            Value::Object(m)
        };
        let row_json = |from: Value, by_set: BTreeMap<&PortSet, Vec<Value>>| match port {
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
        };
        let groups: Vec<Value> = conn
            .classes
            .iter()
            .enumerate()
            .map(|(i, pods)| json!({"id": i, "pods": pods.iter().map(|&p| a.cluster.pods[p].qualified()).collect::<Vec<_>>()}))
            .collect();
        let outside: Vec<Value> = conn
            .outside
            .iter()
            .enumerate()
            .map(|(i, r)| json!({"id": format!("o{i}"), "cidr": r.cidr.to_string(), "representative": r.representative.to_string()}))
            .collect();
        let mut rows = Vec::new();
        for (ci, row) in conn.class_matrix.iter().enumerate() {
            let single = conn.classes[ci].len() == 1;
            let mut by_set: BTreeMap<&PortSet, Vec<Value>> = BTreeMap::new();
            for (cj, set) in row.iter().enumerate() {
                if (ci == cj && single) || set.is_empty() {
                    continue;
                }
                by_set.entry(set).or_default().push(json!(cj));
            }
            for (ri, set) in conn.to_outside.get(ci).unwrap().iter().enumerate() {
                if !set.is_empty() {
                    by_set.entry(set).or_default().push(json!(format!("o{ri}")));
                }
            }
            rows.push(row_json(json!(ci), by_set));
        }
        for (ri, row) in conn.from_outside.iter().enumerate() {
            let mut by_set: BTreeMap<&PortSet, Vec<Value>> = BTreeMap::new();
            for (cj, set) in row.iter().enumerate() {
                if !set.is_empty() {
                    by_set.entry(set).or_default().push(json!(cj));
                }
            }
            rows.push(row_json(json!(format!("o{ri}")), by_set));
        }
        let v = json!({
            "port": port,
            "protocol": port.map(|_| protocol.as_str()),
            "pods": a.cluster.pods.len(),
            "groups": groups,
            "outside": outside,
            "rows": rows,
            "allowed_triples": triples(conn, port, protocol),
        });
        format!("{}\n", serde_json::to_string(&v).unwrap())
    }

    #[test]
    fn writer_equals_the_value_tree_byte_for_byte() {
        let text = include_str!("../../../engine/tests/fixtures/fast-path-mix.yaml");
        let a = analyze(&[Source::new("mix.yaml", text)]);
        let conn = compute(&a);
        assert!(!conn.outside.is_empty() && conn.classes.len() > 3);
        for (port, protocol) in [
            (None, Protocol::Tcp),
            (Some(80), Protocol::Tcp),
            (Some(8080), Protocol::Tcp),
            (Some(53), Protocol::Udp),
        ] {
            let got = render(&a, &conn, port, protocol);
            assert_eq!(
                got,
                reference(&a, &conn, port, protocol),
                "{port:?}/{protocol}"
            );
        }
    }
}
