"""`sitecensus --help` speaks Chinese and lists the project's own commands (not Django's
English list)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

# The help opens no database (subprocesses, a Django start-up each): CI runs it once (conftest's SITECENSUS_TEST_ONCE).
pytestmark = pytest.mark.once

ROOT = Path(__file__).resolve().parents[1]


def _help(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "sitecensus.cli", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=600)


def test_help_lists_the_projects_commands_in_chinese():
    for args in (["--help"], ["-h"], ["help"], []):
        done = _help(*args)
        assert done.returncode == 0, done.stderr
        out = done.stdout
        assert out.startswith("用法：sitecensus")
        for command in ("load-demo", "load-divisions", "demo-otp", "scan-sites", "forms check", "bootstrap"):
            assert re.search(rf"^  {re.escape(command)}\s+\S", out, re.M), (command, out)
        assert "[django]" not in out and "Available subcommands" not in out and "Type '" not in out
        # Every line says what it does in Chinese.
        listed = [line for line in out.splitlines() if line.startswith("  ")]
        assert listed and all(re.search(r"[\u4e00-\u9fff]", line) for line in listed)


def test_make_run_takes_another_port(tmp_path):
    stamp = tmp_path / "installed"  # newer than pyproject.toml: nothing to install
    stamp.touch()
    done = subprocess.run(["make", "-n", "run", "PORT=8080", "HOST=0.0.0.0", f"STAMP={stamp}"],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert "runserver 0.0.0.0:8080" in done.stdout, done.stdout + done.stderr


def test_the_ui_font_ships_with_its_licence():
    fonts = ROOT / "sitecensus" / "static" / "fonts"
    assert (fonts / "wqy-microhei-ui.woff2").stat().st_size > 100_000
    assert "Apache" in (fonts / "wqy-microhei.COPYRIGHT").read_text("utf-8", errors="replace")
    css = (ROOT / "sitecensus" / "static" / "css" / "app.css").read_text("utf-8")
    assert "wqy-microhei-ui.woff2" in css
