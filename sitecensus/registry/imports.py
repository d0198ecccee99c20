"""Offline filing: the workbook per reporting unit, and the import of filled
workbooks (one or many, or a ZIP): dry run → summary per file → confirm.

The dry run of a batch is one background job (`analyse`): every workbook is parsed
once, every row's identity computed once (the parser's keys), and what confirming
would do with each row is STORED on the file (`ImportFile.analysis`), bound to the
file's sha256 and to the state of each row's target record. The confirm (`commit`)
writes exactly that plan — it never parses or classifies again; a file whose digest
or a record that changed since the dry run refuses the confirm (`AnalysisStale`)
before anything is written, and the user runs the dry run again.
A file with errors saves nothing unless the user imports only its valid sites;
re-importing the same file creates no duplicate (identity: unit + homepage URL)."""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from openpyxl.utils import get_column_letter

from sitecensus.audit.services import deferred as audit_deferred
from sitecensus.audit.services import record
from sitecensus.core import lifecycle
from sitecensus.core.db import let_waiting_writers_in
from sitecensus.core.errors import CensusError, InvalidInput, InvalidState, NotFound
from sitecensus.orgs.models import Unit

from . import policy, selectors, services, siteclass
from .errors import AnalysisStale  # noqa: F401  (callers catch it here)
from .formspec.parser import MAX_FILE_BYTES, CellError, ParsedWorkbook
from .formspec.spec import homepage_key, load_forms
from .services.changes import LIFE_BY_LABEL, LIFE_FIELDS, life_request
from .services.records import CLOSED, FIRST_STATUSES
from .formspec.uploads import parse_member, read_upload, unpack_upload
from .formspec.workbook import build_workbook
from .models import ImportBatch, ImportFile, Website, WebsiteDomain

LIMITS = {"files": 50, "zip_bytes": 100 * 1024 * 1024, "file_bytes": MAX_FILE_BYTES}
COLUMN_MAP = services.COLUMN_CODES
WRITES = ("create", "update", "change", "life")  # the outcomes a confirm writes


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
        values = {k: v for k, v in site.data.items() if k not in LIFE_FIELDS}
        if site.site_code:  # the lifecycle, not a field: a change of it is a request
            values["running_status"] = site.get_form_life_display()
        if site.site_code and site.form_life != Website.Life.OPEN:  # the state it is in: the row reads back 不变
            values["life_reason"] = site.life_reason or None
            # In a notice period the approved request's target is the closure's (the site keeps its URL till filed).
            closure = site.closures.filter(completed_at__isnull=True).order_by("-pk").first() \
                if site.is_merging else None
            values["new_url"] = ((closure.new_url if closure else site.homepage_url)
                                 if site.form_life == Website.Life.MIGRATED else None)
            values["merged_into"] = (site.merged_into.site_code
                                     if site.form_life == Website.Life.MERGED and site.merged_into_id else None)
        values["site_code"] = site.site_code or None
        values["site_id"] = None if site.site_code else site.pk
        values["columns"] = [{"site_url": site.homepage_url, "column_name": c.name, "column_url": c.url,
                              "parent_column": c.parent_name, "is_homepage": c.is_homepage,
                              "column_class": c.column_class, "update_period": c.update_period,
                              "remarks": c.remarks} for c in site.columns.order_by("position")]
        sites.append(values)
    return build_workbook(unit_code=unit_code(unit), unit_name=unit.name, sites=sites or None,
                          narrowed={"site_class": siteclass.allowed_for(unit)})


def _system_fields() -> frozenset:
    """Basic-form fields the system fills (the site's identity), never part of the filed data."""
    return frozenset(f.code for f in load_forms()["basic_info"].fields if f.system)


def filing_of(parsed_site) -> services.Filing:
    columns = [{COLUMN_MAP[k]: (v if v is not None else ("" if k != "is_homepage" else False))
                for k, v in col.values.items() if k in COLUMN_MAP} for col in parsed_site.columns]
    for column in columns:
        for key in COLUMN_MAP.values():
            column.setdefault(key, False if key == "is_homepage" else "")
    return _filing(parsed_site.values, columns)


def _filing(values: dict, columns: list[dict]) -> services.Filing:
    system = _system_fields()
    # The life-change columns carry a request (see _life_change), never filed data.
    basic = {k: v for k, v in values.items() if k not in system and k not in LIFE_FIELDS}
    return services.Filing(basic=basic, columns=columns)


def _basic_form():
    return load_forms()["basic_info"]


def _row_error(filename: str, row: int, code: str, message: str) -> str:
    """A server-side finding on a site row, located like the parser's errors."""
    form = _basic_form()
    letter = get_column_letter(form.codes.index(code) + 1)
    return str(CellError(filename, form.sheet, row, letter, form.field(code).label, message))


def _identify(unit: Unit, parsed_site) -> tuple[Website | None, str | None]:
    """The registered site a workbook row is about: by its 网站标识码, else by
    its system ID (unapproved sites), else by the unit's homepage URL. So a
    changed homepage URL of an approved site is a change, not a new site."""
    code = (parsed_site.values.get("site_code") or "").strip()
    site_id = parsed_site.values.get("site_id")
    if code:
        site = Website.objects.filter(site_code=code).first()
        if site is None or site.unit_id != unit.pk:
            return None, f"网站标识码“{code}”不是本单位已登记的网站，请不要修改系统填写的网站标识码"
        return site, None
    if site_id:
        site = Website.objects.filter(pk=site_id, unit=unit).first()
        if site is None:
            return None, f"系统编号“{site_id}”不是本单位已报送的网站，请不要修改系统填写的系统编号"
        if site.site_code:
            return site, None
        return site, None
    url_key = homepage_key(parsed_site.keys)
    return Website.objects.filter(unit=unit, url_key=url_key).first(), None


def _identify_many(unit: Unit, sites: list) -> dict[int, tuple[Website | None, str | None]]:
    """``_identify`` for a file's rows (by their index) in three queries whatever their number:
    the sites named by code, by system ID and by the unit's homepage URL, read at once."""
    codes, ids, url_keys = set(), set(), set()
    for site in sites:
        if site.errors:
            continue
        code = (site.values.get("site_code") or "").strip()
        site_id = site.values.get("site_id")
        if code:
            codes.add(code)
        elif site_id:
            if not isinstance(site_id, int):
                return {}  # an ID the parser left as text: each row is looked up as _identify does
            ids.add(site_id)
        else:
            url_keys.add(homepage_key(site.keys))
    by_code = {w.site_code: w for w in Website.objects.filter(site_code__in=codes)} if codes else {}
    by_id = {w.pk: w for w in Website.objects.filter(pk__in=ids, unit=unit)} if ids else {}
    by_url = {w.url_key: w for w in Website.objects.filter(unit=unit, url_key__in=url_keys).order_by("-pk")} \
        if url_keys else {}
    known = {}
    for index, site in enumerate(sites):
        if site.errors:
            continue
        code = (site.values.get("site_code") or "").strip()
        site_id = site.values.get("site_id")
        if code:
            found = by_code.get(code)
            known[index] = (found, None) if found is not None and found.unit_id == unit.pk else (
                None, f"网站标识码“{code}”不是本单位已登记的网站，请不要修改系统填写的网站标识码")
        elif site_id:
            found = by_id.get(site_id)
            known[index] = (found, None) if found is not None else (
                None, f"系统编号“{site_id}”不是本单位已报送的网站，请不要修改系统填写的系统编号")
        else:
            known[index] = (by_url.get(homepage_key(site.keys)), None)
    return known


def _classify(actor, unit: Unit, filename: str, parsed_site, seen: dict[str, str],
              window_error: str | None, known: tuple | None = None) -> tuple[str, Website | None, list[str]]:
    """What confirming would do with one parsed site: create, update, change,
    unchanged, or error (with every reason, each naming file/sheet/row/column).
    The commit runs exactly this again, so the dry run and the commit agree."""
    if parsed_site.errors:
        return "error", None, [str(e) for e in parsed_site.errors]
    # One site, one code within the batch: its homepage URL and other domains (kept between steps).
    keys = parsed_site.keys  # computed once, by the parser
    for key, (field, value) in keys.items():
        if key in seen:
            return "error", None, [_row_error(filename, parsed_site.row, field,
                                              f"“{value}”与 {seen[key]} 的网站相同（首页网址或其他域名），"
                                              f"同一网站同一批次只能导入一次")]
    for key in keys:
        seen[key] = f"文件 {filename} 第 {parsed_site.row} 行"
    # The row's record and clash, when read with the file's other rows (_identify_many, find_clashes).
    existing, wrong_identity = _identify(unit, parsed_site) if known is None else known[0]
    if wrong_identity:
        column = "site_code" if parsed_site.values.get("site_code") else "site_id"
        return "error", None, [_row_error(filename, parsed_site.row, column, wrong_identity)]
    if existing is not None and _says_what_is_there(existing, parsed_site):
        return "unchanged", existing, []  # nothing to write: a unit's own workbook re-imports as a no-op
    wrong_class = siteclass.problem(unit, parsed_site.values.get("site_class"))
    if wrong_class:
        return "error", existing, [_row_error(filename, parsed_site.row, "site_class", wrong_class)]
    clash = services.find_clash(parsed_site.values, exclude_pk=existing.pk if existing else None, keys=keys) \
        if known is None or known[2] is not existing else known[1]
    if clash is not None:
        return "error", existing, [_row_error(filename, parsed_site.row, clash.field, clash.message)]
    status = parsed_site.values.get("running_status")
    if existing is None or not existing.site_code:
        if status and status not in FIRST_STATUSES:
            return "error", existing, [_row_error(
                filename, parsed_site.row, "running_status",
                f"尚未获得网站标识码的网站，运行状态只能填“正常运行”或“例外”，不能填“{status}”")]
    elif status and LIFE_BY_LABEL.get(status, existing.form_life) != existing.form_life:
        return _life_change(filename, parsed_site, existing, LIFE_BY_LABEL[status])
    if existing is None:
        if window_error:
            return "error", None, [_row_error(filename, parsed_site.row, "homepage_url", window_error)]
        return "create", None, []
    filing = filing_of(parsed_site)
    if services.is_unchanged(existing, filing):
        return "unchanged", existing, []
    if existing.site_code:
        if not existing.is_approved:
            return "error", existing, [_row_error(filename, parsed_site.row, "homepage_url",
                                                  f"网站“{existing.name}”有待审核的变更，不能再导入")]
        return "change", existing, []
    if existing.in_review and existing.pending_at_id != actor.unit_id:
        return "error", existing, [_row_error(filename, parsed_site.row, "homepage_url",
                                              f"网站“{existing.name}”正在上级审核中，不能导入覆盖")]
    if not existing.in_review and window_error:
        return "error", existing, [_row_error(filename, parsed_site.row, "homepage_url", window_error)]
    return "update", existing, []


_LIFE_COLUMN = {"life": "running_status", "reason": "life_reason", "merged_into": "merged_into",
                "new_url": "new_url", "homepage_url": "new_url"}


def _life_change(filename: str, parsed_site, existing: Website, life: str) -> tuple[str, Website, list[str]]:
    """运行状态 changed on a coded site's row: a life-change request (关停, 整合, 迁移, 例外), checked
    as the online request is; the row's other fields must stay as approved (one request at a time)."""
    row, values = parsed_site.row, parsed_site.values
    if not existing.is_approved:
        return "error", existing, [_row_error(filename, row, "running_status",
                                              f"网站“{existing.name}”有待审核的变更，不能再申请运行状态变更")]
    rest = filing_of(parsed_site)
    rest.basic = {k: v for k, v in rest.basic.items() if k not in LIFE_FIELDS and k != "running_status"}
    data = {k: v for k, v in (existing.data or {}).items() if k not in LIFE_FIELDS and k != "running_status"}
    if not services.is_unchanged(existing, rest, data=data):
        return "error", existing, [_row_error(
            filename, row, "running_status", "运行状态变更与其他信息的变更须分别报送：请本次只改运行状态"
                                             "（及状态变更原因等），审核通过后再导入其他变更")]
    code = (values.get("merged_into") or "").strip()
    target = Website.objects.filter(site_code=code).first() if code else None
    if code and target is None:
        return "error", existing, [_row_error(filename, row, "merged_into", f"网站标识码“{code}”不存在")]
    try:
        life_request(existing, life=life, reason=values.get("life_reason") or "", merged_into=target,
                     new_url=values.get("new_url") or "")
    except CensusError as error:
        column = _LIFE_COLUMN.get(getattr(error, "field", None) or "life", "running_status")
        return "error", existing, [_row_error(filename, row, column, error.message)]
    return "life", existing, []


def _says_what_is_there(existing: Website, parsed_site) -> bool:
    """Does the row say what the record says — as approved, or as its pending version (a
    workbook equal to the change or life request waiting for review is 不变, not an error)?"""
    status = parsed_site.values.get("running_status")
    filing = filing_of(parsed_site)
    same_life = not existing.site_code or not status or LIFE_BY_LABEL.get(status) == existing.form_life
    if same_life and services.is_unchanged(existing, filing):
        return True
    if not existing.in_review or not existing.site_code:
        return False
    pending = selectors.pending_version(existing)
    if pending is None:
        return False
    if pending.source == "life":
        values = parsed_site.values
        return (LIFE_BY_LABEL.get(status) == pending.data.get("life")
                and (values.get("life_reason") or "") == pending.data.get("life_reason", ""))
    return (not status or LIFE_BY_LABEL.get(status) == existing.life) and services.is_unchanged(
        existing, filing, data=pending.data, columns=pending.columns)


def _window_error(unit: Unit) -> str | None:
    """The deadline rule, as the writes themselves apply it (services.check_window)."""
    try:
        services.check_window(unit)
    except InvalidState as exc:
        return exc.message
    return None


def _may_import(actor, unit: Unit) -> bool:
    return policy.may_import_for(actor, unit)


def _may_check(actor, unit: Unit) -> bool:
    return unit.pk == actor.unit_id or policy.may_import_for(actor, unit) or policy.may_file_for(actor, unit)


def _stamp(website: Website | None) -> str | None:
    """The state of a record a planned row depends on: any save of it changes the stamp."""
    if website is None:
        return None
    return f"{website.status}|{website.version}|{website.life}|{website.pending_at_id}|{website.updated_at.isoformat()}"


def _planned(unit: Unit, parsed_site, outcome: str, existing: Website | None) -> dict:
    """What the confirm will write for one row, as the dry run decided it: the row's values and
    columns, its identity keys, its target record and that record's stamp."""
    if outcome not in WRITES:
        return {"row": parsed_site.row, "outcome": outcome}
    return {"row": parsed_site.row, "outcome": outcome, "unit": unit.pk, "values": parsed_site.values,
            "columns": filing_of(parsed_site).columns, "keys": parsed_site.keys,
            "homepage": homepage_key(parsed_site.keys),
            "target": existing.pk if existing is not None else None, "stamp": _stamp(existing)}


def _analyse(actor, workbooks, seen: dict | None = None, may_use=_may_import, tick=None) -> list[dict]:
    """Per file: its own errors, and a result for every site whatever else is
    wrong in the file (a stray column row does not hide the other sites). Each
    entry's "plan" lists the rows as the confirm will write them (see _planned)."""
    files, seen = [], ({} if seen is None else seen)
    for parsed in workbooks:
        entry = {"name": parsed.filename, "unit": "", "unit_id": None, "sites": len(parsed.sites), "plan": [],
                 "version": parsed.version_label, "notices": list(parsed.notices),
                 "columns": sum(len(s.columns) for s in parsed.sites), "create": 0, "update": 0, "change": 0, "life": 0,
                 "unchanged": 0, "valid": 0, "invalid": 0, "errors": [], "rows": []}
        unit = unit_by_code(parsed.unit_code)
        in_sites = {id(e) for s in parsed.sites for e in s.errors}
        structural = [str(e) for e in parsed.errors if id(e) not in in_sites and e.row is None]
        stray = [str(e) for e in parsed.errors if id(e) not in in_sites and e.row is not None]
        file_errors = list(structural)
        if unit is None and not file_errors:
            file_errors.append(f"文件 {parsed.filename}：模板中的单位代码“{parsed.unit_code}”在系统中不存在")
        elif unit is not None:
            entry["unit"], entry["unit_id"] = unit.name, unit.pk
            if not may_use(actor, unit):
                file_errors.append(f"文件 {parsed.filename}：该文件是“{unit.name}”的填报模板，"
                                   f"不是本单位或直属下级单位的，不能导入")
        entry["errors"] = file_errors + stray
        if unit is not None and not file_errors:
            window_error = _window_error(unit)
            identified = _identify_many(unit, parsed.sites)
            clashes = dict(zip(identified, services.find_clashes([
                (parsed.sites[i].keys, found.pk if found is not None else None)
                for i, (found, _wrong) in identified.items()])))
            for number, site in enumerate(parsed.sites, 1):
                known = None
                if number - 1 in identified:
                    known = (identified[number - 1], clashes[number - 1], identified[number - 1][0])
                outcome, existing, reasons = _classify(actor, unit, parsed.filename, site, seen, window_error, known)
                entry["plan"].append(_planned(unit, site, outcome, existing))
                if tick is not None and number % 50 == 0:
                    tick(parsed.filename, number, len(parsed.sites))
                entry["rows"].append({"row": site.row, "name": site.values.get("site_name") or "",
                                      "url": site.values.get("homepage_url") or "", "outcome": outcome,
                                      "reason": "；".join(reasons[:3]), "errors": reasons})
                if outcome == "error":
                    entry["errors"].extend(reasons)
                    entry["invalid"] += 1
                else:
                    entry[outcome] += 1
                    entry["valid"] += 1
        if not entry["rows"]:
            entry["invalid"] = entry["sites"]
        entry["error_count"] = len(entry["errors"])
        files.append(entry)
    return files


def _totals(files: list[dict]) -> dict:
    keys = ("sites", "columns", "create", "update", "change", "life", "unchanged", "valid", "invalid", "error_count")
    return {k: sum(f.get(k, 0) for f in files) for k in keys}


def expire_abandoned(user=None) -> int:
    """Batches left in 预检中 or 待确认 longer than IMPORT_BATCH_TTL seconds are
    cancelled (their stored files deleted), so nothing stays 预检中 for ever."""
    cutoff = timezone.now() - timedelta(seconds=getattr(settings, "IMPORT_BATCH_TTL", 24 * 3600))
    stale = ImportBatch.objects.filter(state__in=[ImportBatch.State.ANALYSING, ImportBatch.State.DRY_RUN],
                                       created_at__lt=cutoff)
    if user is not None:
        stale = stale.filter(uploaded_by=user)
    count = 0
    for batch in stale:
        with transaction.atomic():
            batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if not lifecycle.can(batch, "expire"):
                continue
            batch.summary = {**batch.summary, "expired": True}
            lifecycle.fire(batch, "expire", actor=batch.uploaded_by)
            batch.save(update_fields=["state", "summary"])
            batch.files.all().delete()
            count += 1
    return count


@transaction.atomic
def receive(*, actor, uploads: list[tuple[str, object]], request=None) -> ImportBatch:
    """Store the uploaded files, a ZIP split into its workbooks (skipped entries
    listed with the reason), each with its sha256; the dry run (`analyse`) then
    runs as one background job that shows its progress."""
    if not uploads:
        raise InvalidInput("请选择要导入的文件（.xlsx 或 .zip）", field="files")
    if len(uploads) > LIMITS["files"]:
        raise InvalidInput(f"一次最多上传 {LIMITS['files']} 个文件，请分批上传", field="files")
    batch = ImportBatch.objects.create(uploaded_by=actor, unit=actor.unit)
    skipped, refused = [], {}
    for name, fileobj in uploads:
        unpacked = unpack_upload(_read_limited(name, fileobj), filename=name)
        skipped.extend(unpacked.notices)
        for member, content in unpacked.members:
            error = content if isinstance(content, CellError) else None
            body = b"" if error else content
            stored = ImportFile.objects.create(batch=batch, filename=member[:255], sha256=_digest(body),
                                               content=body)
            if error:
                refused[str(stored.pk)] = error.message
    total = batch.files.count()
    batch.summary = {"files": [], "skipped": skipped, "refused": refused, "progress": {"done": 0, "total": total}}
    batch.save(update_fields=["summary"])
    return batch


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _parse_stored(batch: ImportBatch, stored: ImportFile, content: bytes):
    message = (batch.summary.get("refused") or {}).get(str(stored.pk))
    if message:
        return [ParsedWorkbook(filename=stored.filename, errors=[CellError(stored.filename, message=message)])]
    return read_upload(content, filename=stored.filename)


def analyse(*, actor, batch: ImportBatch, request=None, progress=None) -> ImportBatch:
    """The dry run of a whole batch in one pass (the `import_dry_run` job): each stored
    workbook parsed once and analysed; its plan stored on the file with the digest of
    the bytes it was read from; `progress(done, total, message)` as it goes. Only the
    batch's own rows are written (a short transaction per file), so other users' writes
    never wait behind it. A batch cancelled meanwhile stays cancelled."""
    batch = ImportBatch.objects.get(pk=batch.pk)
    if not lifecycle.can(batch, "finish_analysis"):
        return batch
    summary, seen = batch.summary, {}
    summary["files"] = []
    stored_files = list(batch.files.order_by("id").only("id", "filename", "sha256"))
    total = len(stored_files)

    def tick(name, rows_done, rows):
        if progress is not None:
            progress(summary["progress"]["done"], total, f"正在预检 {name}：{rows_done} / {rows} 个网站")

    for stored in stored_files:
        content = ImportFile.objects.filter(pk=stored.pk).values_list("content", flat=True).first()
        if content is None:  # cancelled meanwhile: its files are gone
            return ImportBatch.objects.get(pk=batch.pk)
        content = bytes(content)
        entries = _analyse(actor, _parse_stored(batch, stored, content), seen, tick=tick)
        rows = [row for entry in entries for row in entry.pop("plan")]
        ImportFile.objects.filter(pk=stored.pk).update(
            analysed=True, analysis={"sha256": _digest(content), "rows": rows})
        summary["files"] += entries
        summary["progress"]["done"] += 1
        if progress is not None:
            progress(summary["progress"]["done"], total, f"已预检 {summary['progress']['done']} / {total} 个文件")
    summary["totals"] = _totals(summary["files"])
    summary["totals"]["skipped_files"] = len(summary.get("skipped", []))
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if not lifecycle.can(batch, "finish_analysis"):
            return batch
        batch.summary = summary
        lifecycle.fire(batch, "finish_analysis", actor=actor, request=request, **summary["totals"])
        batch.save(update_fields=["summary", "state"])
    return batch


def _read_limited(name: str, fileobj) -> bytes:
    limit = LIMITS["zip_bytes"] if name.lower().endswith(".zip") else LIMITS["file_bytes"]
    size = getattr(fileobj, "size", None)
    if size is not None and size > limit:
        raise InvalidInput(f"文件 {name} 大小为 {size / 1048576:.1f} MB，超过上限 {limit // 1048576} MB", file=name)
    data = fileobj.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(f"文件 {name} 超过大小上限 {limit // 1048576} MB", file=name)
    return data


def check_uploads(*, actor, uploads: list[tuple[str, object]], request=None) -> dict:
    """The web check: the same parsing and the same analysis as the dry run
    (and so as the commit), for a reporting unit's own workbook too; nothing is
    stored."""
    if not uploads:
        raise InvalidInput("请选择要检查的文件（.xlsx 或 .zip）", field="files")
    if len(uploads) > LIMITS["files"]:
        raise InvalidInput(f"一次最多检查 {LIMITS['files']} 个文件", field="files")
    workbooks, skipped = [], []
    for name, fileobj in uploads:
        unpacked = unpack_upload(_read_limited(name, fileobj), filename=name)
        skipped.extend(unpacked.notices)
        workbooks.extend(parse_member(member, content) for member, content in unpacked.members)
    files = _analyse(actor, workbooks, may_use=_may_check)
    for entry in files:
        entry.pop("plan")
    totals = _totals(files)
    record("workbook_checked", actor=actor, request=request, files=len(files), errors=totals["error_count"])
    return {"files": files, "skipped": skipped, "totals": totals}


def dry_run(*, actor, uploads: list[tuple[str, object]], request=None) -> ImportBatch:
    """Receive and analyse at once (the command line, the API, tests and benchmarks); the web
    runs the same `analyse` as a job."""
    batch = receive(actor=actor, uploads=uploads, request=request)
    return analyse(actor=actor, batch=batch, request=request)


def get_batch(user, pk) -> ImportBatch:
    batch = ImportBatch.objects.filter(pk=pk, uploaded_by=user).first() if str(pk).isdigit() else None
    if batch is None:
        raise NotFound("导入批次不存在或不在您的权限范围内")
    return batch


def check_committable(batch: ImportBatch, *, valid_only: bool = False) -> None:
    """What a confirm would refuse, from the dry run's summary (no work done): the one
    place these refusals are written (commit asks it too)."""
    lifecycle.check(batch, "start_commit")
    totals = batch.summary.get("totals") or {}
    if totals.get("error_count") and not valid_only:
        first = [e for f in batch.summary.get("files", []) for e in f["errors"]][:3]
        raise InvalidState(f"共有 {totals['error_count']} 处错误，未导入任何数据（{'；'.join(first)}"
                           f"{'；等' if totals['error_count'] > len(first) else ''}）。请修改后重新上传，"
                           f"或选择“只导入无误的网站”")
    if "valid" in totals and not totals["valid"]:
        raise InvalidState("没有可以导入的网站：每个文件都有错误，请修改后重新上传")


def _stored_plan(batch: ImportBatch) -> tuple[list[dict], int]:
    """The rows the dry run planned to write, each with its file's name, after checking that
    every file is still the one analysed (its bytes' digest); and how many rows write nothing."""
    plan, unchanged = [], 0
    for stored in batch.files.order_by("id"):
        analysis = stored.analysis or {}
        digest = _digest(bytes(stored.content))
        if not analysis.get("sha256"):
            raise AnalysisStale(f"文件 {stored.filename} 没有保存的预检结果，请重新上传并预检", file=stored.filename)
        if digest != analysis["sha256"] or digest != stored.sha256:
            raise AnalysisStale(f"文件 {stored.filename} 在预检之后已改变（摘要不符），未导入任何数据，"
                                f"请重新上传并预检", file=stored.filename)
        for row in analysis["rows"]:
            if row["outcome"] in WRITES:
                plan.append({**row, "file": stored.filename})
            elif row["outcome"] == "unchanged":
                unchanged += 1
    return plan, unchanged


def _where(row: dict) -> str:
    return f"文件 {row['file']} 第 {row['row']} 行"


def _changed_since(rows: list[dict]) -> tuple[dict[int, Website], dict[int, str]]:
    """The target records of `rows` as they are now, and the rows whose registry state is no
    longer what the dry run saw (by row index, with the reason): a target saved since (its
    stamp), or a new site's keys registered since. Three queries whatever the number of rows."""
    ids = {row["target"] for row in rows if row["target"]}
    targets = Website.objects.in_bulk(ids) if ids else {}
    stale = {}
    new_rows = [row for row in rows if not row["target"]]
    same_unit, taken = set(), set()
    if new_rows:
        keys = {key for row in new_rows for key in row["keys"]}
        homepages = {f"http://{key}" for key in keys}
        for unit_id, url_key, life in Website.objects.filter(url_key__in=homepages).values_list(
                "unit_id", "url_key", "life"):
            same_unit.add((unit_id, url_key))
            if life not in CLOSED:
                taken.add(url_key.split("://", 1)[-1])
        taken |= set(WebsiteDomain.objects.filter(key__in=keys).exclude(website__life__in=CLOSED)
                     .values_list("key", flat=True))
    for i, row in enumerate(rows):
        if row["target"]:
            now = targets.get(row["target"])
            if now is None or _stamp(now) != row["stamp"]:
                name = f"网站“{now.name}”" if now is not None else "该行对应的网站"
                stale[i] = f"{_where(row)}：{name}在预检之后已被修改或删除"
        elif (row["unit"], row["homepage"]) in same_unit or taken.intersection(row["keys"]):
            clash = services.find_clash(row["values"], keys={k: tuple(v) for k, v in row["keys"].items()})
            told = clash.message if clash is not None else "本单位已登记首页网址相同的网站"
            stale[i] = f"{_where(row)}：在预检之后已有网站登记——{told}"
    return targets, stale


_clock = time.monotonic  # (tests give commit a clock of their own)
FIRST_CHUNK = 5  # rows of the first write transaction, which measures how long a row takes


def next_chunk(rows: int, seconds: float, *, budget: float, ceiling: int) -> int:
    """Rows for the next write transaction of a confirm: as many as fit in ``budget`` seconds at the
    pace of the last transaction (``rows`` written in ``seconds``), at least one, at most ``ceiling``.
    On SQLite a transaction holds the whole file's write lock, so a login waiting for it waits about
    one budget, far below the busy timeout, however loaded the machine is."""
    if rows <= 0:
        return max(1, min(ceiling, FIRST_CHUNK))
    if seconds <= 0:
        return ceiling
    return max(1, min(ceiling, int(budget * rows / seconds)))


BATCH_TAKEN = "该批次正在导入或已导入"


def commit(*, actor, batch: ImportBatch, valid_only: bool = False, request=None, progress=None,
           chunk: int | None = None) -> dict:
    """Write what the dry run stored — all of it, or only its valid sites — without parsing
    or classifying anything again. Before anything is written, every file's digest and the
    state of every row's target record are compared with what the dry run saw: a
    difference refuses the whole confirm (`AnalysisStale`, saying which file and row), and
    the user runs the dry run again.

    The sites are written in chunks of at most IMPORT_COMMIT_CHUNK, one short transaction each
    (no pause between them); on the embedded SQLite database each is sized by the pace of the
    one before to take about IMPORT_COMMIT_SECONDS, so that other users' writes wait for one
    chunk at most, however slow the machine. Each chunk holds its rows' identity keys and compares
    its targets again: a record another user saved in the seconds of the confirm stops it
    (已导入的保持不变, 批次回到待确认)."""
    # A chunk size given by the caller is kept as it is (no timing); the settings' is a ceiling.
    ceiling = chunk or getattr(settings, "IMPORT_COMMIT_CHUNK", 0) or 100
    budget = None if chunk else (getattr(settings, "IMPORT_COMMIT_SECONDS", 0) or None)
    batch = ImportBatch.objects.get(pk=batch.pk)
    check_committable(batch, valid_only=valid_only)
    plan, unchanged = _stored_plan(batch)
    _targets, stale = _changed_since(plan)
    if stale:
        # A second confirm of this batch, started with the first, sees the first's new sites as changes
        # made since the dry run: it is told the batch was taken, not to run the dry run again.
        batch.refresh_from_db(fields=["state"])
        if not lifecycle.can(batch, "start_commit"):
            raise InvalidState(BATCH_TAKEN)
        first = list(stale.values())[:3]
        raise AnalysisStale(f"预检之后登记情况已变化，未导入任何数据，请重新预检（{'；'.join(first)}"
                            f"{'；等' if len(stale) > len(first) else ''}）")
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            lifecycle.fire(batch, "start_commit", actor=actor, request=request, rows=len(plan))
            batch.save(update_fields=["state"])
    except (lifecycle.ConcurrentTransition, lifecycle.TransitionRefused) as error:
        raise InvalidState(BATCH_TAKEN) from error
    totals = batch.summary.get("totals") or {}
    done = {"created": 0, "updated": 0, "unchanged": unchanged,
            "skipped": totals.get("sites", 0) - len(plan) - unchanged}
    units = {u.pk: u for u in Unit.objects.filter(pk__in={row["unit"] for row in plan})}
    start, size, last = 0, 0, (0, 0.0)
    try:
        while start < len(plan):
            size = ceiling if budget is None else next_chunk(*last, budget=budget, ceiling=ceiling)
            began = _clock()
            # The chunk's audit events are chained at its end: the log's lock is not held through it.
            with transaction.atomic(), audit_deferred():
                part = plan[start:start + size]
                # One site, one record: the chunk's keys are held from here to its commit, and its rows'
                # records compared again under them; every save checks identity again under the keys.
                services.hold_keys([key for row in part for key in row["keys"]])
                targets, stale = _changed_since(part)
                # New sites are saved and submitted together (the same checks, row by row, on a few queries).
                new = [i for i, row in enumerate(part) if row["outcome"] == "create" and i not in stale]
                filed = dict(zip(new, services.file_new_sites(
                    actor=actor, filings=[(units[part[i]["unit"]], _row_filing(part[i])) for i in new],
                    request=request))) if new else {}
                for i, row in enumerate(part):
                    reasons = [stale[i]] if i in stale else []
                    if not reasons:
                        try:
                            if i in filed:
                                if isinstance(filed[i], CensusError):
                                    raise filed[i]
                            else:
                                with transaction.atomic():
                                    _apply(actor, units[row["unit"]], row, request,
                                           existing=targets.get(row["target"]))
                        except CensusError as error:
                            field = getattr(error, "field", None)
                            field = field if field in _basic_form().codes else "homepage_url"
                            reasons = [_row_error(row["file"], row["row"], field, error.message)]
                    if reasons:
                        if not valid_only:
                            raise AnalysisStale("确认导入时发现新的冲突，未导入该批次剩余的网站（已导入的保持不变，"
                                                "可重新预检）：" + "；".join(reasons[:3]))
                        done["skipped"] += 1
                        done.setdefault("refused", []).extend(reasons[:3])
                        continue
                    done["created" if row["outcome"] == "create" else "updated"] += 1
            last = (len(part), _clock() - began)
            start += len(part)
            if progress is not None:
                progress(start, len(plan))
            let_waiting_writers_in()  # SQLite: a login's or a session's write waiting goes first (no pause)
    except BaseException:
        with transaction.atomic():
            batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if lifecycle.can(batch, "interrupt"):
                lifecycle.fire(batch, "interrupt", actor=actor, request=request)
                batch.save(update_fields=["state"])
        raise
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        batch.committed_at = timezone.now()
        batch.summary = {**batch.summary, "result": done}
        lifecycle.fire(batch, "finish_commit", actor=actor, request=request, **done)
        batch.save(update_fields=["state", "committed_at", "summary"])
    return done


def _row_filing(row: dict) -> services.Filing:
    filing = _filing(row["values"], row["columns"])
    filing.keys = row["keys"]  # the row's identity as the parser computed it
    return filing


def _apply(actor, unit: Unit, row: dict, request, existing: Website | None = None) -> None:
    """Write one planned row (as the dry run stored it) through the registry's services."""
    values, outcome = row["values"], row["outcome"]
    filing = _row_filing(row)
    if outcome == "life":
        code = (values.get("merged_into") or "").strip()
        services.do_request_life_change(
            actor=actor, website=existing, life=LIFE_BY_LABEL[values["running_status"]],
            reason=values.get("life_reason") or "", new_url=values.get("new_url") or "",
            merged_into=Website.objects.filter(site_code=code).first() if code else None,
            request=request)
    elif outcome == "change":
        services.do_request_change(actor=actor, website=existing, filing=filing, note="导入变更", request=request)
    elif existing is not None and existing.in_review:
        services.replace_pending(actor=actor, website=existing, filing=filing, request=request)
    else:
        site = services.do_save_draft(actor=actor, unit=unit, filing=filing, website=existing, request=request,
                                      via="import")
        services.do_submit(actor=actor, website=site, request=request, via="import")


@transaction.atomic
def cancel(*, actor, batch: ImportBatch, request=None) -> None:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    lifecycle.fire(batch, "cancel", actor=actor, request=request)
    batch.save(update_fields=["state"])
    batch.files.all().delete()
