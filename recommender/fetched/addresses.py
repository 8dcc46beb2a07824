"""Which IP addresses a suggested link may reach: public unicast ones only.

A member's link must not make the bot probe its own network (the host's admin pages, a
database, the cloud metadata service at 169.254.169.254). The check is on addresses after
DNS resolution, so a name that resolves to 10.0.0.5 is refused like the literal.
"""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_EXTRA_BLOCKED = (
    ipaddress.ip_network("100.64.0.0/10"),  # carrier-grade NAT: private to a provider
    ipaddress.ip_network("192.0.0.0/24"),  # IETF protocol assignments
    ipaddress.ip_network("198.18.0.0/15"),  # benchmarking
    ipaddress.ip_network("fd00:ec2::254/128"),  # AWS's IPv6 metadata service
    ipaddress.ip_network("64:ff9b:1::/48"),  # local-use NAT64
)


def blocked_reason(address: str, *, allow_loopback: bool = False) -> str | None:
    """Why `address` may not be reached (a short phrase), or None when it is public.

    IPv4-mapped and NAT64-embedded IPv6 addresses are judged by the IPv4 address they carry.
    `allow_loopback` lets the tests reach their fake server on 127.0.0.1; production never
    sets it.
    """
    try:
        ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip in ipaddress.ip_network("64:ff9b::/96"):
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.is_loopback:
        return None if allow_loopback else "loopback"
    if ip.is_link_local:
        return "link-local (cloud metadata)"
    if ip.is_multicast:
        return "multicast"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_private or any(ip in net for net in _EXTRA_BLOCKED if ip.version == net.version):
        return "private network"
    if ip.is_reserved or not ip.is_global:
        return "reserved"
    return None
