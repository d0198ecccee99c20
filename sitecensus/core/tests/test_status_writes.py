"""Lifecycles are changed by their transitions only. A declared lifecycle's status
(sitecensus/core/lifecycle.py, a `status` or a `state`) is a protected FSMField that
no code assigns or bulk-updates; the statuses not yet declared are written only by the services named
here, each by its owning app (no view, selector, model, task or other app)."""

import re
from pathlib import Path

from django.apps import apps

from sitecensus.core.lifecycle import FSMField

ROOT = Path(__file__).resolve().parents[2]
WRITE = re.compile(r"""\.(?:status|state)\s*=[^=]|\.update\([^)]*\b(?:status|state)\s*="""
                   r"""|update_or_create\([^)]*\b(?:status|state)\s*=""")
# Statuses not yet declared as lifecycles, and the one service module that writes each: this list only shrinks.
UNDECLARED_WRITERS = {
    "accounts/services.py",  # PrivilegedReset
    "jobs/services.py",  # Job (the background jobs' progress)
    "public/services.py",  # a public error report
    "scanner/services.py",  # Suggestion
}
DECLARED = {"registry.Website", "registry.ImportBatch", "registry.WebsiteVersion", "scoring.Scorecard", "scoring.Rectification", "scoring.InspectionReport", "scanner.ScanRun",
            "spotcheck.Batch", "spotcheck.BatchSite", "spotcheck.Notice",
            "newmedia.MediaAccount", "spotcheck.BatchAccount"}  # 政务新媒体 (issue 22)


def test_status_is_written_only_by_transitions_or_the_named_services():
    offenders = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts or "engine" in parts or path.name == "testing.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if WRITE.search(line) and "OLD.status" not in line and "/".join(parts) not in UNDECLARED_WRITERS:
                offenders.append(f"{'/'.join(parts)}:{number}: {line.strip()}")
    assert not offenders, "status written outside a transition:\n" + "\n".join(offenders)


def test_declared_lifecycles_have_protected_statuses():
    declared = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, FSMField):
                assert field.protected, f"{model._meta.label}.{field.name}"
                declared.add(model._meta.label)
    assert declared >= DECLARED
