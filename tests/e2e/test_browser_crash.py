"""A Chromium that dies under a browser test costs that test one more run, not the rest of the
worker's browser tests (tests/e2e/conftest.py: `browser` starts a dead browser anew; CRASH_RERUN)."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CONFTEST = """
from tests.e2e.conftest import (  # noqa: F401 - the fixtures and the hook under test
    _chromium, browser, browser_type_launch_args, pytest_collection_modifyitems)
"""

INNER = r'''
from pathlib import Path

SEEN = Path(__file__).with_name("attempts.txt")


def test_the_browser_dies_mid_test(page):
    attempts = SEEN.read_text().count("x") if SEEN.exists() else 0
    SEEN.write_text("x" * (attempts + 1))
    page.set_content("<p>一</p>")
    if attempts == 0:
        page.context.browser.close()  # as a crash leaves it: every later call is TargetClosedError
    page.set_content("<p>二</p>")
    assert page.inner_text("p") == "二"


def test_a_later_test_has_a_live_browser(page):
    page.set_content("<p>三</p>")
    assert page.inner_text("p") == "三"


def test_other_failures_are_not_retried(page):
    page.set_content("<p>四</p>")
    assert page.inner_text("p") == "五"
'''


def test_a_crashed_browser_costs_one_rerun_and_no_later_test(tmp_path):
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(INNER), encoding="utf-8")
    (tmp_path / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:django", "-p", "no:randomly", "-p", "no:cacheprovider",
         "-q", "-rAR", "test_inner.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    out = result.stdout + result.stderr
    assert "PASSED test_inner.py::test_the_browser_dies_mid_test" in out, out
    assert "RERUN test_inner.py::test_the_browser_dies_mid_test" in out, out  # its call and its teardown
    assert (tmp_path / "attempts.txt").read_text() == "xx"  # one more run, not two
    assert "PASSED test_inner.py::test_a_later_test_has_a_live_browser" in out, out
    assert "FAILED test_inner.py::test_other_failures_are_not_retried" in out, out
    assert "RERUN test_inner.py::test_other_failures_are_not_retried" not in out, out
    assert "1 failed, 2 passed" in out, out
