"""Lifecycles are changed by their owner's services only: no view, selector,
model, task or other app assigns a status or bulk-updates one."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WRITE = re.compile(r"""\.status\s*=[^=]|\.update\([^)]*\bstatus\s*=|update_or_create\([^)]*\bstatus\s*=""")
# A status is written in the services of the app that owns the model (SQL in trigger definitions aside).
OWNERS = {"services.py"}  # or any module of a services package


def test_status_is_written_only_by_services():
    offenders = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts or "engine" in parts or path.name == "testing.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if WRITE.search(line) and "OLD.status" not in line and path.name not in OWNERS \
                    and path.parent.name != "services":
                offenders.append(f"{'/'.join(parts)}:{number}: {line.strip()}")
    assert not offenders, "status written outside a service:\n" + "\n".join(offenders)
