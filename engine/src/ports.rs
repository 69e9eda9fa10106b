//! Protocols and port sets. Allowed traffic between two pods is a set of ports per protocol,
//! kept as sorted, disjoint, non-adjacent intervals (after np-guard's connection sets).

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    pub const ALL: [Protocol; 3] = [Protocol::Tcp, Protocol::Udp, Protocol::Sctp];

    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }

    /// Kubernetes protocol names are case-sensitive upper case.
    pub fn parse(s: &str) -> Option<Protocol> {
        match s {
            "TCP" => Some(Protocol::Tcp),
            "UDP" => Some(Protocol::Udp),
            "SCTP" => Some(Protocol::Sctp),
            _ => None,
        }
    }

    /// Lenient parse for command-line input (`tcp` is fine there).
    pub fn parse_loose(s: &str) -> Option<Protocol> {
        Protocol::parse(&s.to_ascii_uppercase())
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub const MIN_PORT: u16 = 1;
pub const MAX_PORT: u16 = 65535;

/// Sorted, disjoint, non-adjacent inclusive ranges of ports.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Intervals(Vec<(u16, u16)>);

impl Intervals {
    pub fn all() -> Intervals {
        Intervals(vec![(MIN_PORT, MAX_PORT)])
    }

    pub fn single(lo: u16, hi: u16) -> Intervals {
        if lo > hi {
            Intervals::default()
        } else {
            Intervals(vec![(lo, hi)])
        }
    }

    pub fn ranges(&self) -> &[(u16, u16)] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn is_all(&self) -> bool {
        self.0 == [(MIN_PORT, MAX_PORT)]
    }

    pub fn contains(&self, port: u16) -> bool {
        self.0.iter().any(|&(lo, hi)| lo <= port && port <= hi)
    }

    /// Number of ports in the set.
    pub fn count(&self) -> u64 {
        self.0
            .iter()
            .map(|&(lo, hi)| u64::from(hi) - u64::from(lo) + 1)
            .sum()
    }

    pub fn add(&mut self, lo: u16, hi: u16) {
        if lo > hi {
            return;
        }
        let mut out = Vec::with_capacity(self.0.len() + 1);
        let (mut nlo, mut nhi) = (lo, hi);
        let mut placed = false;
        for &(a, b) in &self.0 {
            if u32::from(b) + 1 < u32::from(nlo) {
                out.push((a, b));
            } else if u32::from(nhi) + 1 < u32::from(a) {
                if !placed {
                    out.push((nlo, nhi));
                    placed = true;
                }
                out.push((a, b));
            } else {
                nlo = nlo.min(a);
                nhi = nhi.max(b);
            }
        }
        if !placed {
            out.push((nlo, nhi));
        }
        out.sort_unstable();
        self.0 = out;
    }

    pub fn union(&mut self, other: &Intervals) {
        if self.is_all() {
            return;
        }
        if other.is_all() {
            *self = Intervals::all();
            return;
        }
        for &(lo, hi) in &other.0 {
            self.add(lo, hi);
        }
    }

    pub fn intersect(&self, other: &Intervals) -> Intervals {
        let mut out = Vec::new();
        let (mut i, mut j) = (0, 0);
        while let (Some(&(a1, b1)), Some(&(a2, b2))) = (self.0.get(i), other.0.get(j)) {
            let lo = a1.max(a2);
            let hi = b1.min(b2);
            if lo <= hi {
                out.push((lo, hi));
            }
            if b1 < b2 {
                i += 1;
            } else {
                j += 1;
            }
        }
        Intervals(out)
    }
}

impl fmt::Display for Intervals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_all() {
            return f.write_str("all");
        }
        for (i, &(lo, hi)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if lo == hi {
                write!(f, "{lo}")?;
            } else {
                write!(f, "{lo}-{hi}")?;
            }
        }
        Ok(())
    }
}

/// Allowed ports per protocol.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PortSet {
    by_proto: [Intervals; 3],
}

impl PortSet {
    pub fn all() -> PortSet {
        PortSet {
            by_proto: [Intervals::all(), Intervals::all(), Intervals::all()],
        }
    }

    pub fn none() -> PortSet {
        PortSet::default()
    }

    pub fn get(&self, proto: Protocol) -> &Intervals {
        match proto {
            Protocol::Tcp => &self.by_proto[0],
            Protocol::Udp => &self.by_proto[1],
            Protocol::Sctp => &self.by_proto[2],
        }
    }

    fn get_mut(&mut self, proto: Protocol) -> &mut Intervals {
        match proto {
            Protocol::Tcp => &mut self.by_proto[0],
            Protocol::Udp => &mut self.by_proto[1],
            Protocol::Sctp => &mut self.by_proto[2],
        }
    }

    pub fn add(&mut self, proto: Protocol, lo: u16, hi: u16) {
        self.get_mut(proto).add(lo, hi);
    }

    pub fn add_all(&mut self, proto: Protocol) {
        *self.get_mut(proto) = Intervals::all();
    }

    pub fn contains(&self, proto: Protocol, port: u16) -> bool {
        self.get(proto).contains(port)
    }

    pub fn is_empty(&self) -> bool {
        self.by_proto.iter().all(Intervals::is_empty)
    }

    pub fn is_all(&self) -> bool {
        self.by_proto.iter().all(Intervals::is_all)
    }

    pub fn union(&mut self, other: &PortSet) {
        for p in Protocol::ALL {
            let o = other.get(p);
            if !o.is_empty() {
                self.get_mut(p).union(o);
            }
        }
    }

    pub fn intersect(&self, other: &PortSet) -> PortSet {
        let mut out = PortSet::none();
        for p in Protocol::ALL {
            *out.get_mut(p) = self.get(p).intersect(other.get(p));
        }
        out
    }

    /// Number of (protocol, port) pairs in the set.
    pub fn count(&self) -> u64 {
        self.by_proto.iter().map(Intervals::count).sum()
    }

    pub fn protocols(&self) -> impl Iterator<Item = (Protocol, &Intervals)> {
        Protocol::ALL
            .into_iter()
            .map(|p| (p, self.get(p)))
            .filter(|(_, i)| !i.is_empty())
    }
}

impl fmt::Display for PortSet {
    /// `all`, `none`, or e.g. `TCP 80,443 UDP 53`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_all() {
            return f.write_str("all");
        }
        if self.is_empty() {
            return f.write_str("none");
        }
        let mut first = true;
        for (p, iv) in self.protocols() {
            if !first {
                f.write_str(" ")?;
            }
            first = false;
            write!(f, "{p} {iv}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_union_merges_adjacent() {
        let mut i = Intervals::default();
        i.add(80, 80);
        i.add(82, 90);
        i.add(81, 81);
        i.add(10, 20);
        assert_eq!(i.ranges(), &[(10, 20), (80, 90)]);
        i.add(1, 65535);
        assert!(i.is_all());
    }

    #[test]
    fn intersection() {
        let mut a = Intervals::default();
        a.add(1, 100);
        a.add(200, 300);
        let b = Intervals::single(50, 250);
        assert_eq!(a.intersect(&b).ranges(), &[(50, 100), (200, 250)]);
    }

    #[test]
    fn display() {
        let mut s = PortSet::none();
        s.add(Protocol::Tcp, 80, 80);
        s.add(Protocol::Tcp, 443, 443);
        s.add(Protocol::Udp, 53, 53);
        assert_eq!(s.to_string(), "TCP 80,443 UDP 53");
        assert_eq!(PortSet::all().to_string(), "all");
    }
}
