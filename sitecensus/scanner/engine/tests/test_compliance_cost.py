"""The compliance scan adds less than 20 % to a site scan's requests (counts, not time): the footer,
domain and accessibility checks read the pages the scan fetched; only IPv6 asks (a few pages over ::1)."""
import socket

import pytest

from sitecensus.scanner.engine.testing.compliance_web import request_counts
from sitecensus.scanner.engine import aio


@pytest.mark.skipif(not socket.has_ipv6, reason="no IPv6 on this machine")
def test_compliance_adds_less_than_a_fifth_of_the_requests():
    c = aio.run(request_counts(8, seed=3))
    assert c["ipv6_supported"] == 8          # every site was read over IPv6 too (the cost is real)
    assert 0 < c["added"] <= 4 * 8           # at most 4 requests a site: 3 pages over IPv6, 1 over IPv4
    assert c["ratio"] < 0.20, c
