"""Offline filing: the workbook per reporting unit, and the import of filled
workbooks (one or many, or a ZIP): dry run → summary per file → confirm.
A file with errors saves nothing unless the user imports only its valid sites;
re-importing the same file creates no duplicate (identity: unit + homepage URL)."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone

from sitecensus.audit.services import record
from sitecensus.core import scope
from sitecensus.core.errors import InvalidInput, InvalidState, NotFound
from sitecensus.orgs.models import Unit

from . import services
from .formspec.parser import MAX_FILE_BYTES
from .formspec.uploads import read_upload
from .formspec.workbook import build_workbook
from .models import ImportBatch, ImportFile, Website

LIMITS = {"files": 50, "zip_bytes": 100 * 1024 * 1024, "file_bytes": MAX_FILE_BYTES}
COLUMN_MAP = {"column_name": "name", "column_url": "url", "parent_column": "parent_name",
              "is_homepage": "is_homepage", "column_class": "column_class", "update_period": "update_period",
              "remarks": "remarks"}


def unit_code(unit: Unit) -> str:
    """The code stamped into a unit's workbook."""
    return unit.org_code or f"U{unit.pk:07d}"


def unit_by_code(code: str | None) -> Unit | None:
    code = (code or "").strip()
    if code.startswith("U") and code[1:].isdigit():
        return Unit.objects.filter(pk=int(code[1:])).first()
    return Unit.objects.filter(org_code=code).first() if code else None


def workbook_for(unit: Unit) -> bytes:
    """The unit's workbook, pre-filled with its records that may still be edited."""
    sites = []
    for site in unit.websites.exclude(life__in=[Website.Life.CLOSED, Website.Life.MERGED]).order_by("id"):
        values = dict(site.data)
        values["columns"] = [{"site_url": site.homepage_url, "column_name": c.name, "column_url": c.url,
                              "parent_column": c.parent_name, "is_homepage": c.is_homepage,
                              "column_class": c.column_class, "update_period": c.update_period,
                              "remarks": c.remarks} for c in site.columns.order_by("position")]
        sites.append(values)
    return build_workbook(unit_code=unit_code(unit), unit_name=unit.name, sites=sites or None)


def filing_of(parsed_site) -> services.Filing:
    columns = [{COLUMN_MAP[k]: (v if v is not None else ("" if k != "is_homepage" else False))
                for k, v in col.values.items() if k in COLUMN_MAP} for col in parsed_site.columns]
    for column in columns:
        for key in COLUMN_MAP.values():
            column.setdefault(key, False if key == "is_homepage" else "")
    return services.Filing(basic=dict(parsed_site.values), columns=columns)


def _classify(actor, unit: Unit, parsed_site, seen: dict[str, str]) -> tuple[str, Website | None, str]:
    """What confirming would do with one parsed site: create, update, change,
    unchanged, or error (with the reason)."""
    if parsed_site.errors:
        return "error", None, "；".join(str(e) for e in parsed_site.errors[:5])
    url_key = services.normalize_url(parsed_site.values.get("homepage_url", ""))
    key = f"{unit.pk}|{url_key}"  # kept in the batch between analysis steps
    if key in seen:
        return "error", None, f"与 {seen[key]} 是同一网站（首页网址相同），同一批次只能导入一次"
    seen[key] = f"第 {parsed_site.row} 行"
    existing = Website.objects.filter(unit=unit, url_key=url_key).first()
    if existing is None:
        return "create", None, ""
    filing = filing_of(parsed_site)
    if services.is_unchanged(existing, filing):
        return "unchanged", existing, ""
    if existing.site_code:
        if existing.status != Website.Status.APPROVED:
            return "error", existing, f"网站“{existing.name}”有待审核的变更，不能再导入"
        return "change", existing, ""
    if existing.status == Website.Status.SUBMITTED and existing.pending_at_id != actor.unit_id:
        return "error", existing, f"网站“{existing.name}”正在上级审核中，不能导入覆盖"
    return "update", existing, ""


def _analyse(actor, workbooks, seen: dict | None = None) -> list[dict]:
    files, seen = [], ({} if seen is None else seen)
    for parsed in workbooks:
        entry = {"name": parsed.filename, "unit": "", "unit_id": None, "sites": len(parsed.sites),
                 "columns": sum(len(s.columns) for s in parsed.sites), "create": 0, "update": 0, "change": 0,
                 "unchanged": 0, "errors": [], "rows": []}
        unit = unit_by_code(parsed.unit_code)
        file_errors = [str(e) for e in parsed.errors if not any(e in s.errors for s in parsed.sites)]
        if unit is None and not file_errors:
            file_errors.append(f"文件 {parsed.filename}：模板中的单位代码“{parsed.unit_code}”在系统中不存在")
        elif unit is not None:
            entry["unit"], entry["unit_id"] = unit.name, unit.pk
            if not scope.may_import_for(actor, unit):
                file_errors.append(f"文件 {parsed.filename}：该文件是“{unit.name}”的填报模板，"
                                   f"不是本单位或直属下级单位的，不能导入")
        entry["errors"] = file_errors
        if unit is not None and not file_errors:
            for site in parsed.sites:
                outcome, existing, why = _classify(actor, unit, site, seen)
                entry["rows"].append({"row": site.row, "name": site.values.get("site_name") or "",
                                      "url": site.values.get("homepage_url") or "", "outcome": outcome,
                                      "reason": why})
                if outcome == "error":
                    entry["errors"].append(why)
                else:
                    entry[outcome] += 1
        entry["error_count"] = len(entry["errors"])
        files.append(entry)
    return files


def _totals(files: list[dict]) -> dict:
    keys = ("sites", "columns", "create", "update", "change", "unchanged", "error_count")
    return {k: sum(f[k] for f in files) for k in keys}


@transaction.atomic
def receive(*, actor, uploads: list[tuple[str, object]], request=None) -> ImportBatch:
    """Store the uploaded files; the analysis then runs file by file (analyse_next),
    so a large batch shows its progress."""
    if not uploads:
        raise InvalidInput("请选择要导入的文件（.xlsx 或 .zip）", field="files")
    if len(uploads) > LIMITS["files"]:
        raise InvalidInput(f"一次最多上传 {LIMITS['files']} 个文件，请分批上传", field="files")
    batch = ImportBatch.objects.create(uploaded_by=actor, unit=actor.unit, state=ImportBatch.State.ANALYSING)
    for name, fileobj in uploads:
        size = getattr(fileobj, "size", None)
        limit = LIMITS["zip_bytes"] if name.lower().endswith(".zip") else LIMITS["file_bytes"]
        if size is not None and size > limit:
            raise InvalidInput(f"文件 {name} 大小为 {size / 1048576:.1f} MB，超过上限 {limit // 1048576} MB",
                               file=name)
        data = fileobj.read(limit + 1)
        if len(data) > limit:
            raise InvalidInput(f"文件 {name} 超过大小上限 {limit // 1048576} MB", file=name)
        ImportFile.objects.create(batch=batch, filename=name[:255], sha256=hashlib.sha256(data).hexdigest(),
                                  content=data)
    batch.summary = {"files": [], "seen": {}, "progress": {"done": 0, "total": len(uploads)}}
    batch.save(update_fields=["summary"])
    return batch


@transaction.atomic
def analyse_next(*, actor, batch: ImportBatch, request=None) -> ImportBatch:
    """Dry-run the next stored file; the last one completes the summary."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state != ImportBatch.State.ANALYSING:
        return batch
    stored = batch.files.filter(analysed=False).order_by("id").first()
    summary = batch.summary
    if stored is not None:
        seen = summary.get("seen", {})
        summary["files"] += _analyse(actor, read_upload(bytes(stored.content), filename=stored.filename), seen)
        summary["seen"] = seen
        summary["progress"]["done"] += 1
        stored.analysed = True
        stored.save(update_fields=["analysed"])
    if not batch.files.filter(analysed=False).exists():
        summary["totals"] = _totals(summary["files"])
        batch.state = ImportBatch.State.DRY_RUN
        record("import_dry_run", actor=actor, request=request, obj=batch, **summary["totals"])
    batch.summary = summary
    batch.save(update_fields=["summary", "state"])
    return batch


def dry_run(*, actor, uploads: list[tuple[str, object]], request=None) -> ImportBatch:
    """Receive and analyse everything at once (the command line, tests and benchmarks)."""
    batch = receive(actor=actor, uploads=uploads, request=request)
    while batch.state == ImportBatch.State.ANALYSING:
        batch = analyse_next(actor=actor, batch=batch, request=request)
    return batch


def get_batch(user, pk) -> ImportBatch:
    batch = ImportBatch.objects.filter(pk=pk, uploaded_by=user).first() if str(pk).isdigit() else None
    if batch is None:
        raise NotFound("导入批次不存在或不在您的权限范围内")
    return batch


@transaction.atomic
def commit(*, actor, batch: ImportBatch, valid_only: bool = False, request=None) -> dict:
    """Apply a dry-run batch, all or nothing. The files are read again from what
    was stored, so what is saved is exactly what the summary showed."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state != ImportBatch.State.DRY_RUN:
        raise InvalidState("该批次尚在预检，或已导入、已取消")
    workbooks = []
    for stored in batch.files.order_by("id"):
        workbooks.extend(read_upload(bytes(stored.content), filename=stored.filename))
    files = _analyse(actor, workbooks)
    totals = _totals(files)
    if totals["error_count"] and not valid_only:
        raise InvalidState(f"共有 {totals['error_count']} 处错误，未导入任何数据。请修改后重新上传，"
                           f"或选择“只导入无误的网站”")
    done = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0}
    by_name = {w.filename: w for w in workbooks}
    for entry in files:
        if entry["unit_id"] is None or (entry["rows"] == [] and entry["errors"]):
            done["skipped"] += entry["sites"]
            continue
        unit = Unit.objects.get(pk=entry["unit_id"])
        parsed = by_name[entry["name"]]
        rows = {r["row"]: r for r in entry["rows"]}
        for site in parsed.sites:
            outcome = rows.get(site.row, {}).get("outcome", "error")
            if outcome == "error":
                done["skipped"] += 1
                continue
            if outcome == "unchanged":
                done["unchanged"] += 1
                continue
            _apply(actor, unit, site, outcome, request)
            done["created" if outcome == "create" else "updated"] += 1
    batch.state = ImportBatch.State.COMMITTED
    batch.committed_at = timezone.now()
    batch.summary = {**batch.summary, "result": done}
    batch.save(update_fields=["state", "committed_at", "summary"])
    record("import_committed", actor=actor, request=request, obj=batch, **done)
    return done


def _apply(actor, unit: Unit, parsed_site, outcome: str, request) -> None:
    filing = filing_of(parsed_site)
    url_key = services.normalize_url(parsed_site.values.get("homepage_url", ""))
    existing = Website.objects.filter(unit=unit, url_key=url_key).first()
    if outcome == "change":
        services.request_change(actor=actor, website=existing, filing=filing, note="导入变更", request=request,
                                via="import")
    elif existing is not None and existing.status == Website.Status.SUBMITTED:
        services.replace_pending(actor=actor, website=existing, filing=filing, request=request)
    else:
        site = services.save_draft(actor=actor, unit=unit, filing=filing, website=existing, request=request,
                                   via="import")
        services.submit(actor=actor, website=site, request=request, via="import")


@transaction.atomic
def cancel(*, actor, batch: ImportBatch, request=None) -> None:
    if batch.state not in (ImportBatch.State.DRY_RUN, ImportBatch.State.ANALYSING):
        raise InvalidState("该批次已导入或已取消")
    batch.state = ImportBatch.State.CANCELLED
    batch.save(update_fields=["state"])
    batch.files.all().delete()
    record("import_cancelled", actor=actor, request=request, obj=batch)
