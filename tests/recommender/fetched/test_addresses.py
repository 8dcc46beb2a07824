"""Which addresses a suggested link may reach: public unicast only."""

from __future__ import annotations

import pytest

from recommender.fetched.addresses import blocked_reason


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "::1",
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.1",
        "169.254.169.254",
        "fe80::1",
        "fe80::1%eth0",
        "fd00::1",
        "fd00:ec2::254",
        "fc00::5",
        "224.0.0.1",
        "ff02::1",
        "0.0.0.0",
        "::",
        "100.64.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "192.0.0.170",
        "198.18.0.1",
        "not an address",
    ],
)
def test_refused(address: str) -> None:
    assert blocked_reason(address) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::6810:84e5", "::ffff:8.8.8.8"])
def test_public(address: str) -> None:
    assert blocked_reason(address) is None


def test_the_test_switch_opens_loopback_only() -> None:
    assert blocked_reason("127.0.0.1", allow_loopback=True) is None
    assert blocked_reason("::1", allow_loopback=True) is None
    assert blocked_reason("169.254.169.254", allow_loopback=True) is not None
    assert blocked_reason("10.1.2.3", allow_loopback=True) is not None
