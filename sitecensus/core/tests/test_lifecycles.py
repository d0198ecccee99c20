"""The declared lifecycles: every transition has a Chinese label, a registered audit
event and who may fire it; the README's tables are generated from them."""

import re
from pathlib import Path

from django.core.management import call_command

from sitecensus.audit.events import LABELS
from sitecensus.core.lifecycle import declarations, markdown

ROOT = Path(__file__).resolve().parents[3]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_every_transition_is_labelled_audited_and_owned():
    found = declarations()
    assert len({d.model for d in found}) >= 7
    for d in found:
        where = f"{d.model._meta.label}.{d.name}"
        assert CHINESE.search(d.label) and CHINESE.search(d.who), where
        assert d.event in LABELS, f"{where}: audit event {d.event} has no label in sitecensus/audit/events.py"


def test_the_readme_tables_are_the_declarations(capsys):
    call_command("lifecycles")
    generated = capsys.readouterr().out
    assert generated == markdown()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- lifecycles:[^>]*-->\n(.*?)<!-- /lifecycles -->", readme, re.S)
    assert block, "README: the lifecycle tables' markers are missing"
    assert block.group(1) == generated, "README's lifecycle tables differ: paste the output of `sitecensus lifecycles`"
