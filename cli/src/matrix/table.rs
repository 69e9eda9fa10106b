//! The text, CSV and Markdown tables of `netpol matrix`. Rows and columns are workloads (all
//! replicas in one `ns/name[Deployment] ×3` row; pods without a workload stay single) or, with
//! `--pods`, pods. A cell holds the verdict for the port asked, or the allowed port set.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use engine::connectivity::Connectivity;
use engine::model::PodId;
use engine::{Analysis, PortSet, Protocol};

use crate::port_arg::PortArg;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Text,
    Csv,
    Md,
}

/// One row (and column) of the table.
#[derive(Debug)]
struct Unit {
    label: String,
    pods: Vec<PodId>,
}

/// Workloads with their pods, and pods without a workload, ordered by namespace and name.
fn units(a: &Analysis, per_pod: bool) -> Vec<Unit> {
    let c = &a.cluster;
    let mut keyed: Vec<((String, String, u8), Unit)> = Vec::new();
    for (i, p) in c.pods.iter().enumerate() {
        if per_pod || p.workload.is_none_or(|w| c.workloads.get(w).is_none()) {
            keyed.push((
                (p.namespace.clone(), p.name.clone(), 0),
                Unit {
                    label: p.qualified(),
                    pods: vec![i],
                },
            ));
        }
    }
    if !per_pod {
        for (wi, w) in c.workloads.iter().enumerate() {
            let pods: Vec<PodId> = w
                .pods
                .iter()
                .copied()
                .filter(|&p| c.pods.get(p).is_some_and(|pod| pod.workload == Some(wi)))
                .collect();
            if pods.is_empty() {
                continue;
            }
            // The count the pods stand for (the declared replicas beyond the generated ones).
            let count = pods
                .iter()
                .filter_map(|&p| c.pods.get(p))
                .fold(0u64, |n, p| n + u64::from(p.stands_for.max(1)));
            keyed.push((
                (w.namespace.clone(), w.name.clone(), 1),
                Unit {
                    label: format!("{}[{}] ×{count}", w.qualified(), w.kind.as_str()),
                    pods,
                },
            ));
        }
    }
    keyed.sort_by(|x, y| x.0.cmp(&y.0));
    keyed.into_iter().map(|(_, u)| u).collect()
}

/// What one pod pair says for the question asked.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Pair {
    /// No port asked: the allowed set.
    Set(PortSet),
    /// A port asked: allowed or not.
    Verdict(bool),
    /// A port name the destination pod does not define.
    NoSuchPort,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Cell {
    /// A single pod to itself.
    SelfOnly,
    Same(Pair),
    /// The pod pairs of these two groups do not all agree (see `--pods`).
    Mixed,
}

/// Port sets as `80,443` (TCP), `u:53`, `s:…`; `*` a whole protocol; `all`; `X` nothing.
fn compact(set: &PortSet) -> String {
    if set.is_all() {
        return "all".into();
    }
    if set.is_empty() {
        return "X".into();
    }
    set.protocols()
        .map(|(p, iv)| {
            let prefix = match p {
                Protocol::Tcp => "",
                Protocol::Udp => "u:",
                Protocol::Sctp => "s:",
            };
            if iv.is_all() {
                format!("{prefix}*")
            } else {
                format!("{prefix}{iv}")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::SelfOnly => "-".into(),
        Cell::Mixed => "~".into(),
        Cell::Same(Pair::Set(s)) => compact(s),
        Cell::Same(Pair::Verdict(true)) => ".".into(),
        Cell::Same(Pair::Verdict(false)) => "X".into(),
        Cell::Same(Pair::NoSuchPort) => "_".into(),
    }
}

/// Every cell, computed per pair of pod classes (pods of one class behave identically), so a
/// group of replicas costs what one pod costs.
fn cells(
    a: &Analysis,
    conn: &Connectivity,
    units: &[Unit],
    port: Option<&PortArg>,
    protocol: Protocol,
) -> Vec<Vec<Cell>> {
    // Per unit: pods per class; and pods per (class, destination port) for columns.
    let class_counts: Vec<BTreeMap<usize, usize>> = units
        .iter()
        .map(|u| {
            let mut m = BTreeMap::new();
            for &p in &u.pods {
                if let Some(&c) = conn.class_of.get(p) {
                    *m.entry(c).or_insert(0) += 1;
                }
            }
            m
        })
        .collect();
    let dst_port = |p: PodId| -> Option<Option<u16>> {
        match port {
            None => None,
            Some(PortArg::Number(n)) => Some(Some(*n)),
            Some(PortArg::Name(name)) => Some(
                a.cluster
                    .pods
                    .get(p)
                    .and_then(|pod| pod.named_port(name, protocol)),
            ),
        }
    };
    let columns: Vec<BTreeSet<(usize, Option<Option<u16>>)>> = units
        .iter()
        .map(|u| {
            u.pods
                .iter()
                .filter_map(|&p| conn.class_of.get(p).map(|&c| (c, dst_port(p))))
                .collect()
        })
        .collect();
    let mut out = Vec::with_capacity(units.len());
    for (ri, rows) in class_counts.iter().enumerate() {
        let mut line = Vec::with_capacity(units.len());
        for (ci, col) in columns.iter().enumerate() {
            let mut seen: BTreeSet<Pair> = BTreeSet::new();
            for (&cs, &count) in rows {
                for &(cd, dport) in col {
                    // Only distinct pods: within one group, a class needs two pods to pair.
                    if ri == ci && cs == cd && count < 2 {
                        continue;
                    }
                    let set = conn
                        .class_matrix
                        .get(cs)
                        .and_then(|r| r.get(cd))
                        .cloned()
                        .unwrap_or_default();
                    seen.insert(match dport {
                        None => Pair::Set(set),
                        Some(None) => Pair::NoSuchPort,
                        Some(Some(n)) => Pair::Verdict(set.contains(protocol, n)),
                    });
                }
            }
            let mut it = seen.into_iter();
            line.push(match (it.next(), it.next()) {
                (None, _) => Cell::SelfOnly,
                (Some(p), None) => Cell::Same(p),
                (Some(_), Some(_)) => Cell::Mixed,
            });
        }
        out.push(line);
    }
    out
}

/// The legend line above a text table (and what `~`, `_` mean where they occur).
fn legend(port: Option<&PortArg>, protocol: Protocol, grid: &[Vec<Cell>]) -> String {
    let any = |f: &dyn Fn(&Cell) -> bool| grid.iter().flatten().any(f);
    let mut s = match port {
        Some(PortArg::Number(n)) => {
            format!("port {n}/{protocol}: `.` allowed, `X` blocked, `-` self")
        }
        Some(PortArg::Name(name)) => format!(
            "port `{name}`/{protocol} (resolved on each destination pod): `.` allowed, `X` blocked, `-` self"
        ),
        None => "allowed ports: `all` every port, `80,443` TCP ports, `u:53` UDP, `s:…` SCTP, `*` every port of a protocol, `X` none, `-` self".to_string(),
    };
    if any(&|c| *c == Cell::Same(Pair::NoSuchPort)) {
        s.push_str(", `_` no such port on the destination");
    }
    if any(&|c| *c == Cell::Mixed) {
        s.push_str(", `~` the pods of these groups differ (see --pods)");
    }
    s.push_str(" (rows: from, columns: to)");
    s
}

pub fn render(
    a: &Analysis,
    conn: &Connectivity,
    port: Option<&PortArg>,
    protocol: Protocol,
    per_pod: bool,
    style: Style,
) -> String {
    let units = units(a, per_pod);
    let grid = cells(a, conn, &units, port, protocol);
    let text: Vec<Vec<String>> = grid
        .iter()
        .map(|row| row.iter().map(cell_text).collect())
        .collect();
    let names: Vec<&str> = units.iter().map(|u| u.label.as_str()).collect();
    let n = names.len();
    let mut out = String::new();
    match style {
        Style::Csv => {
            let header: Vec<String> = names.iter().map(|s| csv_escape(s)).collect();
            let _ = writeln!(out, "from\\to,{}", header.join(","));
            for (name, row) in names.iter().zip(&text) {
                let cells: Vec<String> = row.iter().map(|c| csv_escape(c)).collect();
                let _ = writeln!(out, "{},{}", csv_escape(name), cells.join(","));
            }
        }
        Style::Md => {
            let _ = writeln!(out, "| from \\ to | {} |", names.join(" | "));
            let _ = writeln!(out, "|---|{}", "---|".repeat(n));
            for (name, row) in names.iter().zip(&text) {
                let _ = writeln!(out, "| {} | {} |", name, row.join(" | "));
            }
        }
        Style::Text => {
            let _ = writeln!(out, "{}", legend(port, protocol, &grid));
            let w = n.to_string().len();
            let nw = names.iter().map(|s| s.chars().count()).max().unwrap_or(0);
            // Column j is as wide as its number and its widest cell.
            let widths: Vec<usize> = (0..n)
                .map(|j| {
                    text.iter()
                        .filter_map(|r| r.get(j))
                        .map(|c| c.chars().count())
                        .chain(std::iter::once((j + 1).to_string().len()))
                        .max()
                        .unwrap_or(1)
                })
                .collect();
            let mut header = format!("{:w$}  {:nw$} ", "", "");
            for (j, cw) in widths.iter().enumerate() {
                let _ = write!(header, "{:>cw$} ", j + 1);
            }
            let _ = writeln!(out, "{}", header.trim_end());
            for (i, (name, row)) in names.iter().zip(&text).enumerate() {
                let mut line = format!("{:>w$}  {:nw$} ", i + 1, name);
                for (c, cw) in row.iter().zip(&widths) {
                    let _ = write!(line, "{c:>cw$} ");
                }
                let _ = writeln!(out, "{}", line.trim_end());
            }
        }
    }
    out
}

fn csv_escape(s: &str) -> String {
    if s.contains([',', '"', ' ']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_port_sets() {
        let mut s = PortSet::none();
        assert_eq!(compact(&s), "X");
        s.add(Protocol::Tcp, 80, 80);
        s.add(Protocol::Tcp, 443, 443);
        s.add(Protocol::Udp, 53, 53);
        assert_eq!(compact(&s), "80,443 u:53");
        s.add_all(Protocol::Sctp);
        assert_eq!(compact(&s), "80,443 u:53 s:*");
        assert_eq!(compact(&PortSet::all()), "all");
    }
}
