//! IP addresses and CIDR blocks (IPv4 and IPv6), for ipBlock peers and outside endpoints. The
//! arithmetic is `ipnet`'s; this wrapper keeps the API-server parsing rules and our errors.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use ipnet::IpNet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cidr {
    /// Network address (host bits cleared).
    pub addr: IpAddr,
    pub prefix: u8,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CidrError {
    Syntax,
    /// Host bits set: Go's `net.ParseCIDR` accepts it, but the NetworkPolicy validation of
    /// Kubernetes ≥ 1.31 warns; we normalise and keep it.
    Prefix,
}

impl Cidr {
    fn net(&self) -> IpNet {
        // Built from a parsed address and a prefix checked against its width: always valid.
        IpNet::new(self.addr, self.prefix).unwrap_or_else(|_| IpNet::from(self.addr))
    }

    pub fn parse(s: &str) -> Result<Cidr, CidrError> {
        let (ip, prefix) = s.split_once('/').ok_or(CidrError::Syntax)?;
        let ip = IpAddr::from_str(ip).map_err(|_| CidrError::Syntax)?;
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) || prefix.len() > 3 {
            return Err(CidrError::Syntax);
        }
        let prefix: u8 = prefix.parse().map_err(|_| CidrError::Prefix)?;
        // `trunc` clears the host bits (Go's `net.ParseCIDR` returns the network too).
        let net = IpNet::new(ip, prefix)
            .map_err(|_| CidrError::Prefix)?
            .trunc();
        Ok(Cidr {
            addr: net.network(),
            prefix,
        })
    }

    pub fn is_v4(&self) -> bool {
        self.addr.is_ipv4()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.net().contains(&ip)
    }

    /// True when `other` lies inside this block (equal counts).
    pub fn contains_cidr(&self, other: &Cidr) -> bool {
        self.net().contains(&other.net())
    }

    /// First address, last address.
    pub fn first(&self) -> IpAddr {
        self.addr
    }

    pub fn last(&self) -> IpAddr {
        self.net().broadcast()
    }

    /// The address right after this block, if any.
    pub fn after(&self) -> Option<IpAddr> {
        match self.net().broadcast() {
            IpAddr::V4(v4) => u32::from(v4)
                .checked_add(1)
                .map(|n| IpAddr::V4(Ipv4Addr::from(n))),
            IpAddr::V6(v6) => u128::from(v6)
                .checked_add(1)
                .map(|n| IpAddr::V6(Ipv6Addr::from(n))),
        }
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_contain() {
        let c = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(c.contains("10.1.2.3".parse().unwrap()));
        assert!(!c.contains("11.0.0.1".parse().unwrap()));
        assert!(c.contains_cidr(&Cidr::parse("10.2.0.0/16").unwrap()));
        assert!(!c.contains("::1".parse().unwrap()));
        let all = Cidr::parse("0.0.0.0/0").unwrap();
        assert!(all.contains("8.8.8.8".parse().unwrap()));
        assert_eq!(all.after(), None);
        let v6 = Cidr::parse("2001:db8::/32").unwrap();
        assert!(v6.contains("2001:db8::1".parse().unwrap()));
        assert!(Cidr::parse("::/0")
            .unwrap()
            .contains("::1".parse().unwrap()));
        assert_eq!(Cidr::parse("10.1.2.3/8").unwrap().to_string(), "10.0.0.0/8");
        assert!(Cidr::parse("10.0.0.0/33").is_err());
        assert!(Cidr::parse("10.0.0.0").is_err());
        assert_eq!(
            Cidr::parse("10.0.0.0/24").unwrap().last().to_string(),
            "10.0.0.255"
        );
    }
}
