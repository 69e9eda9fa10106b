//! `netpol`: Kubernetes NetworkPolicy verdicts, explanations and lints in a terminal or CI.

/// Writes to stdout, ignoring a closed pipe (`netpol matrix … | head` must not panic).
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

mod check;
mod explain;
mod inputs;
mod lesson;
mod lint;
mod matrix;
mod port_arg;
mod probe;
mod render;
mod suggest;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use engine::Protocol;

use port_arg::PortArg;

#[derive(Parser, Debug)]
#[command(
    name = "netpol",
    version,
    about = "Kubernetes NetworkPolicy verdicts, explanations and lints",
    long_about = "Reads Kubernetes manifests (Namespaces, Pods, workloads, Services, NetworkPolicies) and tells which \
pod-to-pod connections are allowed, and why — with the semantics of the Kubernetes API server.\n\n\
FILES are YAML or JSON files, directories (searched recursively for *.yaml, *.yml, *.json), or `-` for stdin.\n\
Endpoints are `namespace/name` of a Pod, a workload (Deployment, StatefulSet, ...) or a Service (as destination), \
an IP address outside the cluster, or prefixed with a kind: `pod:ns/a`, `deployment:ns/web`, `service:ns/web`."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Namespace for objects without one (as `kubectl apply -n`)
    #[arg(long, short = 'n', global = true)]
    namespace: Option<String>,
    /// Unknown fields in policies, selectors and Service specs: `strict` rejects the object
    /// (kubectl's default), `warn` drops the field and keeps the object
    #[arg(long, global = true, value_enum, default_value = "strict")]
    validate: inputs::ValidateArg,
    /// List the ignored objects (kinds that do not affect traffic)
    #[arg(long, global = true)]
    verbose: bool,
}

/// Formats of `check`, `explain` and `lint`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Text,
    Json,
}

/// Formats of `matrix`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TableOutput {
    Text,
    Json,
    Csv,
    Md,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check expected verdicts (an assertion file) against the manifests
    #[command(
        after_help = "The assertion file:\n  expect:\n    - {from: x/a, to: y/b, port: 80, protocol: TCP, allowed: true}\n    - {from: default/client, to: service:default/web, port: 80, allowed: false}\n\n`protocol` defaults to TCP; other keys are ignored.\nExit status: 0 all hold, 1 some fail or could not be evaluated (unknown name, bad field: each is reported, counted as `not evaluated`), 2 nothing could be analysed (no manifest, unreadable assertion file, no assertion could be evaluated)."
    )]
    Check {
        /// Manifests: files, directories or `-`
        #[arg(required = true)]
        files: Vec<String>,
        /// The assertion file
        #[arg(long, short = 'e')]
        expect: String,
        /// Output format
        #[arg(long, short = 'o', value_enum, default_value = "text")]
        output: Output,
    },
    /// Print the connectivity matrix: workloads (or pods) × workloads
    #[command(
        after_help = "Rows and columns are workloads (`ns/name[Deployment] ×3`; pods without a workload stay single); --pods gives one row per pod.\nWith --port: a truth table for that port (`.` allowed, `X` blocked, `~` some pod pairs of the groups differ); without: the allowed port sets per cell (legend above the table).\nA pod reaching itself is always allowed and is shown as `-`.\nJSON groups pods that behave identically; see the README for its shape."
    )]
    Matrix {
        /// Manifests: files, directories or `-`
        #[arg(required = true)]
        files: Vec<String>,
        /// Only this port: a number (1-65535) or a container port name, resolved on each destination pod
        #[arg(long, short = 'p', value_parser = PortArg::parse)]
        port: Option<PortArg>,
        /// Protocol for --port (TCP, UDP, SCTP; default TCP)
        #[arg(long, value_parser = parse_protocol)]
        protocol: Option<Protocol>,
        /// One row and column per pod instead of per workload
        #[arg(long)]
        pods: bool,
        /// Output format
        #[arg(long, short = 'o', value_enum, default_value = "text")]
        output: TableOutput,
    },
    /// Explain why a connection is allowed or blocked
    #[command(
        after_help = "Exit status (like `kubectl auth can-i`): 0 allowed, 1 blocked, 2 error (unknown name, unknown port name, no readable manifest)."
    )]
    Explain {
        /// Manifests: files, directories or `-`
        #[arg(required = true)]
        files: Vec<String>,
        /// Source: ns/name of a pod or workload, or an IP address
        #[arg(long)]
        from: String,
        /// Destination: ns/name of a pod, workload or Service, or an IP address
        #[arg(long)]
        to: String,
        /// Destination port: a number (1-65535) or a name (a container port of the destination pod; for a Service, the name of a Service port)
        #[arg(long, short = 'p', value_parser = PortArg::parse)]
        port: PortArg,
        /// TCP, UDP or SCTP
        #[arg(long, default_value = "TCP", value_parser = parse_protocol)]
        protocol: Protocol,
        /// Output format
        #[arg(long, short = 'o', value_enum, default_value = "text")]
        output: Output,
    },
    /// Report invalid objects and likely mistakes, with the offending line
    #[command(
        after_help = "Exit status: 0 no errors (warnings allowed), 1 errors found, 2 nothing readable.\n--fix FILE writes FILE with every quick fix applied to stdout (never in place); the exit status is then that of the fixed text. JSON diagnostics carry their quick fix as `fix` (null when there is none)."
    )]
    Lint {
        /// Manifests: files, directories or `-`
        #[arg(required = true)]
        files: Vec<String>,
        /// Apply every quick fix to the one FILE and write the result to stdout
        #[arg(long, conflicts_with = "output")]
        fix: bool,
        /// Output format
        #[arg(long, short = 'o', value_enum, default_value = "text")]
        output: Output,
    },
    /// Suggest the smallest NetworkPolicy addition that allows (or, with --block, blocks) a flow
    #[command(
        after_help = "The policies are proved before they are printed: the input is analysed again with them added and the whole connectivity compared; the output lists every connection they open or close.\nAllow: a rule on each side that blocks (egress of the source, ingress of the destination), selecting each end by namespace (kubernetes.io/metadata.name) and exact label set; through a Service the rule names the targetPort.\nBlock: a policy isolating the side that is not isolated yet, allowing back every other port and peer.\nExit status: 0 a suggestion, 1 nothing to do (already allowed; with --block already blocked), 2 no NetworkPolicy addition can do it (the reason is printed) or an input error."
    )]
    Suggest {
        /// Manifests: files, directories or `-`
        #[arg(required = true)]
        files: Vec<String>,
        /// Source: ns/name of a pod or workload, or an IP address
        #[arg(long)]
        from: String,
        /// Destination: ns/name of a pod, workload or Service, or an IP address
        #[arg(long)]
        to: String,
        /// Destination port: a number (1-65535) or a name (as for `explain`)
        #[arg(long, short = 'p', value_parser = PortArg::parse)]
        port: PortArg,
        /// TCP, UDP or SCTP
        #[arg(long, default_value = "TCP", value_parser = parse_protocol)]
        protocol: Protocol,
        /// Block the flow instead of allowing it
        #[arg(long)]
        block: bool,
        /// Output format (`yaml`: the policies only, for `kubectl apply -f -`)
        #[arg(long, short = 'o', value_enum, default_value = "text")]
        output: suggest::SuggestOutput,
    },
    /// Write a bash script that checks the assertions on a real cluster (kubectl + agnhost)
    #[command(
        after_help = "The script (on stdout) creates a probe scenario in the cluster kubectl points at — the namespaces, the pods the assertions involve (same names, labels and named ports, running agnhost), the NetworkPolicies as written — waits for the pods, probes each assertion with `kubectl exec … -- /agnhost connect IP:PORT --timeout=… --protocol=…`, prints expected vs observed, exits 1 on a mismatch and deletes what it created. It refuses to start if an object it would create exists already.\nUse a cluster whose CNI enforces NetworkPolicy (README: kind + Calico). Environment of the script: KUBECTL, NETPOL_AGNHOST_IMAGE, NETPOL_PROBE_TIMEOUT, NETPOL_READY_TIMEOUT, NETPOL_SETTLE_SECONDS, KEEP=1, DRY_RUN=1.\nExit status: 0 script written, 2 an input error."
    )]
    ProbeScript {
        /// Manifests: files, directories or `-`
        #[arg(required = true)]
        files: Vec<String>,
        /// The assertion file (as for `check`)
        #[arg(long, short = 'e')]
        expect: String,
        /// The script keeps the scenario in the cluster (default: deleted at the end)
        #[arg(long)]
        keep: bool,
        /// The script prints the kubectl commands instead of running them
        #[arg(long)]
        dry_run: bool,
    },
    /// Lessons: check lesson files (`netpol lesson check LESSON.yaml...`)
    Lesson {
        #[command(subcommand)]
        command: LessonCommand,
    },
}

#[derive(Subcommand, Debug)]
enum LessonCommand {
    /// Check lesson files: every step with goals starts unsolved, its solution meets every goal and keeps every locked object, every name in a goal resolves
    #[command(
        after_help = "Arguments are lesson files or directories (their *.yaml/*.yml files that start with `lesson:`).\nExit status: 0 every lesson passes, 1 some lesson fails (a malformed lesson included: its problems are located), 2 some input could not be read."
    )]
    Check {
        /// Lesson files or directories
        #[arg(required = true)]
        files: Vec<String>,
        /// Output format
        #[arg(long, short = 'o', value_enum, default_value = "text")]
        output: Output,
    },
}

/// Pretty JSON on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => outln!("{s}"),
        Err(e) => eprintln!("error: cannot write JSON: {e}"),
    }
}

fn parse_protocol(s: &str) -> Result<Protocol, String> {
    Protocol::parse_loose(s).ok_or_else(|| format!("unknown protocol `{s}` (TCP, UDP or SCTP)"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    inputs::configure(cli.namespace.clone(), cli.validate, cli.verbose);
    let code = match cli.command {
        Command::Check {
            files,
            expect,
            output,
        } => check::run(&files, &expect, output),
        Command::Matrix {
            files,
            port,
            protocol,
            pods,
            output,
        } => matrix::run(&files, port, protocol, pods, output),
        Command::Explain {
            files,
            from,
            to,
            port,
            protocol,
            output,
        } => explain::run(&files, &from, &to, &port, protocol, output),
        Command::ProbeScript {
            files,
            expect,
            keep,
            dry_run,
        } => probe::run(&files, &expect, keep, dry_run),
        Command::Lint {
            files, fix: true, ..
        } => lint::run_fix(&files),
        Command::Lint { files, output, .. } => lint::run(&files, output),
        Command::Suggest {
            files,
            from,
            to,
            port,
            protocol,
            block,
            output,
        } => suggest::run(
            &files,
            &inputs::options(),
            &from,
            &to,
            &port,
            protocol,
            block,
            output,
        ),
        Command::Lesson {
            command: LessonCommand::Check { files, output },
        } => lesson::run(&files, output),
    };
    ExitCode::from(code)
}
