//! `netpol matrix`: the workload × workload (or `--pods`: pod × pod) truth table for one port,
//! or the allowed port sets; as JSON, grouped by behaviour.

mod json;
mod table;

use engine::connectivity::compute;
use engine::Protocol;

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
        TableOutput::Json => json::render(&a, &conn, json_port, protocol),
        TableOutput::Text => table::render(&a, &conn, port, protocol, per_pod, Style::Text),
        TableOutput::Csv => table::render(&a, &conn, port, protocol, per_pod, Style::Csv),
        TableOutput::Md => table::render(&a, &conn, port, protocol, per_pod, Style::Md),
    };
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    0
}
