"""Every audit event the code records is a registered type with a Chinese label,
so the audit administrator never sees an empty cell and can filter by it."""

import re
from pathlib import Path

from sitecensus.audit import events

ROOT = Path(__file__).resolve().parents[2]
# record("name", …) and record("a" if … else "b", …).
CALL = re.compile(r"""\brecord\(\s*["']([a-z0-9_]+)["']""")
# …and the event a declared transition writes (sitecensus/core/lifecycle.py): @step(…, event="name", …).
DECLARED = re.compile(r"""@step\([^@]*?\bevent=["']([a-z0-9_]+)["']""", re.S)
CONDITIONAL = re.compile(r"""\brecord\(\s*["']([a-z0-9_]+)["']\s+if\s+[^\n]+?\s+else\s+["']([a-z0-9_]+)["']""")


def recorded_actions() -> dict[str, str]:
    found = {}
    for path in ROOT.rglob("*.py"):
        if {"tests", "migrations"} & set(path.relative_to(ROOT).parts):
            continue
        text = path.read_text(encoding="utf-8")
        for match in list(CALL.finditer(text)) + list(CONDITIONAL.finditer(text)) + list(DECLARED.finditer(text)):
            for name in match.groups():
                if name:
                    found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def test_the_scan_finds_the_events():
    found = recorded_actions()
    assert {"login", "account_issued", "website_submitted", "notice_published"} <= set(found)
    assert len(found) > 60


def test_every_recorded_event_has_a_chinese_label():
    missing = {name: where for name, where in recorded_actions().items() if name not in events.LABELS}
    assert not missing, f"audit events without a label in sitecensus/audit/events.py: {missing}"
    for name, label in events.LABELS.items():
        assert label and any("\u4e00" <= ch <= "\u9fff" for ch in label), name
