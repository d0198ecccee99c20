"""Checked and trusted entry points (Zulip's check_* / do_*): a person's own filing goes through the
checked functions (save_draft, submit, request_change, request_life_change), which test the actor's
right and then call their trusted halves (do_*). Only code that has checked the right itself calls a
do_* function: the workbook import (the importer's right over each unit), a discovery decision (the
office that may decide it) and the demo's set-up. No string decides whether a right is checked."""

import ast
from pathlib import Path

import pytest

from sitecensus.core.errors import NotAllowed
from sitecensus.registry import services
from sitecensus.registry.testing import sample_filing

ROOT = Path(__file__).resolve().parents[2]
TRUSTED = {"do_save_draft", "do_submit", "do_request_change", "do_request_life_change"}
CALLERS = {"registry/services/filing.py", "registry/services/changes.py", "registry/imports.py",
           "registry/demo.py", "discovery/services.py"}


def trusted_calls(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in TRUSTED:
                lines.append(node.lineno)
    return lines


def via_switches(source: str) -> list[int]:
    """`via == "online"` and the like: a string that decides whether a right is checked."""
    return [node.lineno for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Compare)
            and any(isinstance(side, ast.Name) and side.id == "via" for side in (node.left, *node.comparators))]


def _modules():
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield "/".join(parts), path.read_text(encoding="utf-8")


def test_only_code_that_checked_the_right_calls_a_trusted_entry_point():
    offenders = [f"{name}:{line}" for name, source in _modules() if name not in CALLERS
                 for line in trusted_calls(source)]
    assert not offenders, "a do_* entry point called where no right was checked:\n" + "\n".join(offenders)


def test_no_string_decides_whether_a_right_is_checked():
    offenders = [f"{name}:{line}" for name, source in _modules() for line in via_switches(source)]
    assert not offenders, "\n".join(offenders)


def test_the_checks_find_what_they_look_for():
    assert trusted_calls("from x import services\nservices.do_submit(actor=a, website=w, via='x')\n") == [2]
    assert trusted_calls("do_request_change(actor=a)\n") == [1]
    assert via_switches("if via == 'online':\n    pass\n") == [1]
    assert not via_switches("if kind == 'online':\n    pass\n")


@pytest.mark.django_db
def test_the_checked_path_refuses_a_filer_of_another_unit(demo_users):
    other = demo_users["laishui_jyj"]
    unit = demo_users["hebei_fgw"].unit
    filing = sample_filing(name="别的单位的网站", url="http://other.gov.cn", unit_name=unit.name)
    with pytest.raises(NotAllowed):
        services.save_draft(actor=other, unit=unit, filing=filing)
    own = services.save_draft(actor=other, unit=other.unit, filing=sample_filing(
        name="本单位的网站", url="http://own-unit.gov.cn", unit_name=other.unit.name))
    assert own.pk and own.unit_id == other.unit_id
