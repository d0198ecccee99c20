"""The real client address behind trusted reverse proxies.

`TRUSTED_PROXIES` (addresses or networks) and `TRUSTED_PROXY_COUNT` say which
hops of X-Forwarded-For to believe: the client address is the right-most
address that is not one of our proxies, taking at most `TRUSTED_PROXY_COUNT`
hops from the right. With neither set, REMOTE_ADDR is the client (a header the
client sets itself must never move a limit)."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _networks():
    nets = []
    for item in getattr(settings, "TRUSTED_PROXIES", []) or []:
        try:
            nets.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            continue
    return nets


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    if request is None:
        return None
    remote = _valid(request.META.get("REMOTE_ADDR") or "")
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    nets = _networks()
    if remote is None or (not count and not nets):
        return remote
    if nets and not any(ipaddress.ip_address(remote) in net for net in nets):
        return remote  # not from one of our proxies: the header is the client's own
    hops = [h for h in (request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",") if h.strip()]
    current = remote
    trusted_left = count if count else len(hops)
    while hops and trusted_left > 0:
        candidate = _valid(hops.pop())
        if candidate is None:
            return current
        current = candidate
        trusted_left -= 1
        if nets and not any(ipaddress.ip_address(current) in net for net in nets):
            return current
    return current
