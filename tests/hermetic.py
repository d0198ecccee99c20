"""Hermetic tests, enforced: a pytest plugin (loaded by the root conftest.py) that refuses
every name look-up and every connection to anything but loopback, and fails the test during
which one was attempted, naming the name or the address.

The refusal raises as the network would (socket.gaierror for a name, ConnectionRefusedError
for an address), so code that swallows network errors (the scanner does) still cannot hide it:
the attempt is recorded and the test fails afterwards. The synthetic web is reached through
host maps onto 127.0.0.1 only (SCANNER_HOST_MAP, Chromium's --host-resolver-rules).

Allowed: "localhost" and its aliases, IP literals (a connection is then checked: loopback or the
unspecified address only), Unix sockets. Proof: tests/test_hermetic.py.

Python subprocesses the tests start (gunicorn, Celery workers, the CLI) are guarded too:
tests/hermetic_site/sitecustomize.py installs the same guard in them (through PYTHONPATH), and
they write what they attempted to a file that the test's process reads after each phase."""

from __future__ import annotations

import ipaddress
import os
import socket
import tempfile
import threading
from pathlib import Path

import pytest

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})

_real = {name: getattr(socket, name) for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex",
                                                    "gethostbyaddr")}
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex

_violations: list[str] = []
_lock = threading.Lock()
LOG_ENV = "SITECENSUS_HERMETIC_LOG"  # where a subprocess writes its attempts
SITE_DIR = Path(__file__).resolve().parent / "hermetic_site"
_log_path: str | None = None  # set in a subprocess: attempts go to the test process's file
_own_log: str | None = None  # in the test process: the file its subprocesses write to


class HermeticViolation(AssertionError):
    pass


def _text(host) -> str:
    if isinstance(host, (bytes, bytearray)):
        host = host.decode("ascii", "replace")
    return str(host).strip("[]").lower().rstrip(".")


def _ip(host):
    try:
        return ipaddress.ip_address(_text(host).split("%", 1)[0])
    except ValueError:
        return None


def local_name(host) -> bool:
    """A name that needs no resolver: empty (bind to all), localhost, or an IP literal."""
    return host is None or _text(host) in ("",) or _text(host) in LOCAL_NAMES or _ip(host) is not None


def loopback(host) -> bool:
    """An address a test may connect to: loopback, the unspecified address, localhost."""
    if host is None or _text(host) in LOCAL_NAMES:
        return True
    ip = _ip(host)
    if ip is None:
        return False
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    return ip.is_loopback or ip.is_unspecified


def _record(what: str) -> None:
    if _log_path:
        try:
            with open(_log_path, "a", encoding="utf-8") as log:
                log.write(f"{what}（子进程 {os.getpid()}）\n")
        except OSError:
            pass
        return
    with _lock:
        _violations.append(what)


def _from_subprocesses() -> None:
    """What the test's subprocesses attempted since the last look."""
    if not _own_log:
        return
    try:
        with open(_own_log, "r+", encoding="utf-8") as log:
            lines = [line.strip() for line in log if line.strip()]
            log.seek(0)
            log.truncate()
    except OSError:
        return
    if lines:
        with _lock:
            _violations.extend(lines)


def _guard_lookup(name):
    real = _real[name]

    def guarded(host, *args, **kwargs):
        if name == "gethostbyaddr" and not loopback(host) and _ip(host) is not None:
            _record(f"反查地址 {_text(host)}（{name}）")
            raise socket.herror(1, f"hermetic test: reverse look-up of {host} refused")
        if name != "gethostbyaddr" and not local_name(host):
            _record(f"解析域名 {_text(host)}（{name}）")
            raise socket.gaierror(socket.EAI_NONAME, f"hermetic test: look-up of {host} refused")
        return real(host, *args, **kwargs)

    guarded.__wrapped__ = real
    return guarded


def _address_refused(sock, address) -> str | None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or not isinstance(address, tuple):
        return None
    host = address[0]
    if loopback(host):
        return None
    return f"连接 {_text(host)}:{address[1] if len(address) > 1 else ''}"


def _connect(self, address):
    refused = _address_refused(self, address)
    if refused:
        _record(refused)
        raise ConnectionRefusedError(111, f"hermetic test: {refused} refused")
    return _real_connect(self, address)


def _connect_ex(self, address):
    refused = _address_refused(self, address)
    if refused:
        _record(refused)
        return 111
    return _real_connect_ex(self, address)


def install(log: str | None = None) -> None:
    global _log_path
    _log_path = log
    if socket.socket.connect is _connect:
        return
    for name in _real:
        setattr(socket, name, _guard_lookup(name))
    socket.socket.connect = _connect
    socket.socket.connect_ex = _connect_ex


def uninstall() -> None:
    for name, real in _real.items():
        setattr(socket, name, real)
    socket.socket.connect = _real_connect
    socket.socket.connect_ex = _real_connect_ex


def pytest_configure(config):
    global _own_log
    install()  # this process records in memory (even an xdist worker started by a guarded one)
    fd, _own_log = tempfile.mkstemp(prefix="sitecensus-hermetic-", suffix=".log")
    os.close(fd)
    os.environ[LOG_ENV] = _own_log
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if str(SITE_DIR) not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([str(SITE_DIR), *paths])
    # Django's mail headers ask for the machine's fully qualified name (a resolver query).
    try:
        from django.core.mail.utils import DNS_NAME

        DNS_NAME._fqdn = "localhost"
    except Exception:  # noqa: BLE001 - no Django in this run
        pass


def pytest_unconfigure(config):
    uninstall()
    if _own_log:
        Path(_own_log).unlink(missing_ok=True)


def _check(phase: str, start: int) -> None:
    _from_subprocesses()
    with _lock:
        new = _violations[start:]
        del _violations[start:]
    if new:
        seen = list(dict.fromkeys(new))
        raise HermeticViolation(f"测试只能联系回环地址（{phase}）：" + "；".join(seen[:10])
                                + (f" 等 {len(seen)} 处" if len(seen) > 10 else ""))


def _wrap(phase):
    @pytest.hookimpl(wrapper=True)
    def hook(item):
        start = len(_violations)
        try:
            result = yield
        except BaseException as error:
            _from_subprocesses()
            with _lock:
                new = _violations[start:]
                del _violations[start:]
            if new and hasattr(error, "add_note"):
                error.add_note("测试只能联系回环地址：" + "；".join(list(dict.fromkeys(new))[:10]))
            raise
        _check(phase, start)
        return result

    return hook


pytest_runtest_setup = _wrap("准备")
pytest_runtest_call = _wrap("测试")
pytest_runtest_teardown = _wrap("收尾")
