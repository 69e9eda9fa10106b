//! IP addresses and CIDR blocks (IPv4 and IPv6), for ipBlock peers and outside endpoints.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

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

fn to_bits(ip: IpAddr) -> (u128, u8) {
    match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
        IpAddr::V6(v6) => (u128::from(v6), 128),
    }
}

fn from_bits(bits: u128, width: u8) -> IpAddr {
    if width == 32 {
        IpAddr::V4(std::net::Ipv4Addr::from(bits as u32))
    } else {
        IpAddr::V6(std::net::Ipv6Addr::from(bits))
    }
}

fn full(width: u8) -> u128 {
    if width == 32 {
        u128::from(u32::MAX)
    } else {
        u128::MAX
    }
}

fn host_bits(prefix: u8, width: u8) -> u128 {
    let n = width.saturating_sub(prefix);
    if n >= 128 {
        u128::MAX
    } else {
        (1u128 << n) - 1
    }
}

impl Cidr {
    pub fn parse(s: &str) -> Result<Cidr, CidrError> {
        let (ip, prefix) = s.split_once('/').ok_or(CidrError::Syntax)?;
        let ip = IpAddr::from_str(ip).map_err(|_| CidrError::Syntax)?;
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) || prefix.len() > 3 {
            return Err(CidrError::Syntax);
        }
        let prefix: u8 = prefix.parse().map_err(|_| CidrError::Prefix)?;
        let (bits, width) = to_bits(ip);
        if prefix > width {
            return Err(CidrError::Prefix);
        }
        Ok(Cidr {
            addr: from_bits(bits & full(width) & !host_bits(prefix, width), width),
            prefix,
        })
    }

    pub fn is_v4(&self) -> bool {
        self.addr.is_ipv4()
    }

    fn range(&self) -> (u128, u128, u8) {
        let (bits, width) = to_bits(self.addr);
        let host = host_bits(self.prefix, width);
        (bits, bits | host, width)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let (lo, hi, width) = self.range();
        let (b, w) = to_bits(ip);
        w == width && lo <= b && b <= hi
    }

    /// True when `other` lies inside this block (equal counts).
    pub fn contains_cidr(&self, other: &Cidr) -> bool {
        let (lo, hi, w) = self.range();
        let (olo, ohi, ow) = other.range();
        w == ow && lo <= olo && ohi <= hi
    }

    /// First address, last address.
    pub fn first(&self) -> IpAddr {
        self.addr
    }

    pub fn last(&self) -> IpAddr {
        let (_, hi, w) = self.range();
        from_bits(hi, w)
    }

    /// The address right after this block, if any.
    pub fn after(&self) -> Option<IpAddr> {
        let (_, hi, w) = self.range();
        (hi < full(w)).then(|| from_bits(hi + 1, w))
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
