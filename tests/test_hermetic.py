"""The suite is hermetic: a test that resolves a name or connects to anything but loopback
fails, naming it, even when the code under test swallows the network error (tests/hermetic.py)."""

import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

from tests import loopback_resolver

ROOT = Path(__file__).resolve().parents[1]

INNER = r'''
import socket
import threading

import pytest

from tests import hermetic, loopback_resolver

# The names below are looked up only through the loopback resolver beneath the guard: without it
# this module refuses to run (a collection error fails the outer test), so no name can reach DNS.
assert hermetic._real["getaddrinfo"] is loopback_resolver._getaddrinfo, "the loopback resolver is not beneath the guard"


def test_resolves_a_name_and_swallows_the_error():
    # Names are looked up by what connects to them; below the guard every name answers loopback
    # (tests/loopback_resolver.py) and the names are reserved (RFC 6761 .invalid), the addresses
    # TEST-NET: even a broken guard reaches nothing real.
    try:
        socket.create_connection(("www.laishui.gov.cn.invalid", 80), timeout=1).close()
    except OSError:
        pass


def test_connects_to_a_public_address_and_swallows_the_error():
    with socket.socket() as s:
        s.settimeout(1)
        try:
            s.connect(("192.0.2.7", 80))
        except OSError:
            pass


def test_a_background_thread_resolving_a_name():
    def look_up():
        try:
            socket.create_connection(("mirror.invalid", 80), timeout=1).close()
        except OSError:
            pass

    thread = threading.Thread(target=look_up)
    thread.start()
    thread.join()


def test_a_subprocess_resolving_a_name():
    import subprocess
    import sys

    code = ("import socket\ntry:\n    socket.create_connection(('sub.probe.invalid', 443), timeout=1).close()\n"
            "except OSError:\n    pass\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=600)


def test_loopback_is_allowed():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(("localhost", server.getsockname()[1]), timeout=5):
            pass
        with socket.create_connection(server.getsockname(), timeout=5):
            pass
'''


def test_the_guard_fails_tests_that_leave_loopback(tmp_path):
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(INNER), encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
           loopback_resolver.ENV: "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.hermetic", "-p", "no:django", "-p", "no:randomly",
         "-p", "no:xdist", "-p", "no:cacheprovider", "-q", "-rf", str(tmp_path / "test_inner.py")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "4 failed, 1 passed" in out, out
    assert "解析域名 www.laishui.gov.cn.invalid" in out and "连接 192.0.2.7:80" in out and "解析域名 mirror.invalid" in out, out
    assert "解析域名 sub.probe.invalid（getaddrinfo）（子进程" in out, out


def test_this_run_is_guarded():
    """The guard is active in the suite itself (the root conftest.py loads it)."""
    from tests import hermetic

    assert socket.getaddrinfo is not hermetic._real["getaddrinfo"]
    assert socket.socket.connect is hermetic._connect
    assert str(hermetic.SITE_DIR) in os.environ["PYTHONPATH"].split(os.pathsep)  # and in subprocesses
