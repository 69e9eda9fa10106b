//! Diagnostics are values: a code, a severity, a message, where, and an optional help line.
//! Message style (after cedar's guide): lowercase, no final period, user values in backticks.

use crate::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Every diagnostic the engine can emit. Closed, so renderers and docs stay exhaustive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    // Input
    YamlSyntax,
    InputTooLarge,
    NotAnObject,
    MissingField,
    WrongType,
    DuplicateKey,
    UnknownField,
    UnknownKind,
    DuplicateObject,
    /// `-n NS` given, and the object declares another namespace (kubectl refuses it).
    NamespaceMismatch,
    /// A lesson file that breaks the lesson format (`netpol lesson check`).
    InvalidLesson,
    // API validation (what the API server rejects)
    InvalidName,
    InvalidLabel,
    InvalidSelector,
    InvalidPort,
    InvalidProtocol,
    InvalidEndPort,
    InvalidPeer,
    InvalidCidr,
    InvalidExcept,
    InvalidPolicyType,
    InvalidIp,
    /// A selector names a label that controllers compute and the model cannot know.
    GeneratedLabelUnknown,
    /// A modelled kind under an apiVersion the API server does not serve.
    UnknownApiVersion,
    /// A policy of another project (Calico, Cilium, ...): not simulated.
    ForeignPolicy,
    InvalidReplicas,
    DuplicatePortName,
    // Admin tiers (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy)
    InvalidPriority,
    InvalidAction,
    InvalidSubject,
    TooManyItems,
    InvalidApiVersion,
    /// `nodes` / `domainNames` peers: valid, not simulated.
    NotSimulated,
    /// Equal priorities in one tier whose rules could match the same flow.
    EqualPriority,
    // Lints (manifests are valid, but probably not what was meant)
    LintNoDnsEgress,
    LintDnsPortTcpOnly,
    LintPeerSelectorsCombined,
    LintPodSelectorOtherNamespace,
    LintDirectionNotInPolicyTypes,
    LintAllowAllVoidsDeny,
    LintSelectsNothing,
    LintNamedPortUndefined,
    LintServicePortInPolicy,
    LintIpBlockOnPodIp,
    LintMissingNamespace,
    LintDuplicatePolicy,
    LintHostNetwork,
    LintPeersPortsSplit,
    LintServiceNoBackends,
    LintAdminDenyShadowed,
    LintAdminRuleNeverMatches,
}

impl Code {
    /// Stable identifier used in JSON output and documentation.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::YamlSyntax => "yaml-syntax",
            Code::InputTooLarge => "input-too-large",
            Code::NotAnObject => "not-an-object",
            Code::MissingField => "missing-field",
            Code::WrongType => "wrong-type",
            Code::DuplicateKey => "duplicate-key",
            Code::UnknownField => "unknown-field",
            Code::UnknownKind => "unknown-kind",
            Code::DuplicateObject => "duplicate-object",
            Code::NamespaceMismatch => "namespace-mismatch",
            Code::InvalidLesson => "invalid-lesson",
            Code::InvalidName => "invalid-name",
            Code::InvalidLabel => "invalid-label",
            Code::InvalidSelector => "invalid-selector",
            Code::InvalidPort => "invalid-port",
            Code::InvalidProtocol => "invalid-protocol",
            Code::InvalidEndPort => "invalid-end-port",
            Code::InvalidPeer => "invalid-peer",
            Code::InvalidCidr => "invalid-cidr",
            Code::InvalidExcept => "invalid-except",
            Code::InvalidPolicyType => "invalid-policy-type",
            Code::InvalidIp => "invalid-ip",
            Code::GeneratedLabelUnknown => "generated-label-unknown",
            Code::UnknownApiVersion => "unknown-api-version",
            Code::ForeignPolicy => "foreign-policy",
            Code::InvalidReplicas => "invalid-replicas",
            Code::DuplicatePortName => "duplicate-port-name",
            Code::InvalidPriority => "invalid-priority",
            Code::InvalidAction => "invalid-action",
            Code::InvalidSubject => "invalid-subject",
            Code::TooManyItems => "too-many-items",
            Code::InvalidApiVersion => "invalid-api-version",
            Code::NotSimulated => "not-simulated",
            Code::EqualPriority => "equal-priority",
            Code::LintNoDnsEgress => "no-dns-egress",
            Code::LintDnsPortTcpOnly => "dns-port-tcp-only",
            Code::LintPeerSelectorsCombined => "peer-selectors-combined",
            Code::LintPodSelectorOtherNamespace => "pod-selector-own-namespace",
            Code::LintDirectionNotInPolicyTypes => "rules-ignored-by-policy-types",
            Code::LintAllowAllVoidsDeny => "allow-all-voids-deny",
            Code::LintSelectsNothing => "selects-nothing",
            Code::LintNamedPortUndefined => "named-port-undefined",
            Code::LintServicePortInPolicy => "service-port-in-policy",
            Code::LintIpBlockOnPodIp => "ipblock-on-pod-ip",
            Code::LintMissingNamespace => "missing-namespace",
            Code::LintDuplicatePolicy => "duplicate-policy",
            Code::LintHostNetwork => "host-network-pod",
            Code::LintPeersPortsSplit => "peers-ports-split",
            Code::LintServiceNoBackends => "service-no-backends",
            Code::LintAdminDenyShadowed => "deny-shadowed-by-accept",
            Code::LintAdminRuleNeverMatches => "admin-rule-never-matches",
        }
    }

    pub fn is_lint(self) -> bool {
        matches!(
            self,
            Code::LintNoDnsEgress
                | Code::LintDnsPortTcpOnly
                | Code::LintPeerSelectorsCombined
                | Code::LintPodSelectorOtherNamespace
                | Code::LintDirectionNotInPolicyTypes
                | Code::LintAllowAllVoidsDeny
                | Code::LintSelectsNothing
                | Code::LintNamedPortUndefined
                | Code::LintServicePortInPolicy
                | Code::LintIpBlockOnPodIp
                | Code::LintMissingNamespace
                | Code::LintDuplicatePolicy
                | Code::LintHostNetwork
                | Code::LintPeersPortsSplit
                | Code::LintServiceNoBackends
                | Code::LintAdminDenyShadowed
                | Code::LintAdminRuleNeverMatches
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// `None` only for problems that belong to no text (e.g. an empty input set).
    pub span: Option<Span>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            span: Some(span),
            help: None,
        }
    }

    pub fn warning(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Warning,
            message: message.into(),
            span: Some(span),
            help: None,
        }
    }

    pub fn info(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Info,
            message: message.into(),
            span: Some(span),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
}

/// Sort diagnostics by position, then code, so output is stable.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        a.span
            .cmp(&b.span)
            .then(a.code.cmp(&b.code))
            .then(a.message.cmp(&b.message))
    });
}
