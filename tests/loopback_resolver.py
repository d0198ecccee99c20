"""A resolver that answers every name with loopback, for the hermetic guard's own proof
(tests/test_hermetic.py): installed under the guard, so a test that tries a name is still
refused by the guard, and even a guard that broke would reach 127.0.0.1, never a real resolver.
tests/hermetic_site/sitecustomize.py installs it first when SITECENSUS_HERMETIC_LOOPBACK_DNS is set."""

import socket

ENV = "SITECENSUS_HERMETIC_LOOPBACK_DNS"


def _getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
    port = int(port or 0) if not isinstance(port, str) or port.isdigit() else 0
    kind = type or socket.SOCK_STREAM
    return [(socket.AF_INET, kind, proto, "", ("127.0.0.1", port))]


def install() -> None:
    socket.getaddrinfo = _getaddrinfo
    socket.gethostbyname = lambda host: "127.0.0.1"
    socket.gethostbyname_ex = lambda host: ("localhost", [], ["127.0.0.1"])
    socket.gethostbyaddr = lambda address: ("localhost", [], ["127.0.0.1"])
