"""One analysis per workbook: the dry run stores, per file and bound to the file's
sha256, what confirming will write for each row; the confirm writes exactly that
without parsing or classifying again, and refuses (typed, in Chinese, nothing written)
when the file or a record the analysis depended on changed since. A row's identity is
computed once (identity.site_key) during the analysis. SQLite and PostgreSQL."""

from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sitecensus.core import lifecycle
from sitecensus.core.lifecycle import TransitionRefused
from sitecensus.orgs.models import Unit
from sitecensus.registry import imports, services
from sitecensus.registry.formspec import identity, spec, uploads
from sitecensus.registry.models import ImportBatch, ImportFile, Website, WebsiteVersion
from sitecensus.registry.testing import fill_workbook, sample_filing

pytestmark = pytest.mark.django_db


def filings(unit, n, prefix):
    return [sample_filing(name=f"{unit.name}网站{i}", url=f"http://{prefix}{i}.laishui.gov.cn", unit_name=unit.name)
            for i in range(n)]


def dry_run(actor, unit, rows, name="a.xlsx"):
    data = fill_workbook(imports.workbook_for(unit), rows)
    return imports.dry_run(actor=actor, uploads=[(name, SimpleUploadedFile(name, data))])


def count_site_keys(monkeypatch) -> Counter:
    """From here on, how many times identity.site_key gave each key (every caller's reference)."""
    calls = Counter()
    real = identity.site_key

    def counted(text):
        key = real(text)
        calls[key] += 1
        return key

    monkeypatch.setattr(identity, "site_key", counted)
    monkeypatch.setattr(spec, "site_key", counted)
    return calls


def test_the_analysis_is_stored_per_file_bound_to_its_digest(demo_users):
    laishui = demo_users["laishui"]
    town = Unit.objects.get(name="赵各庄镇人民政府")
    batch = dry_run(laishui, town, filings(town, 2, "bind"))
    [stored] = ImportFile.objects.filter(batch=batch)
    assert stored.analysis["sha256"] == stored.sha256 and len(stored.sha256) == 64
    rows = stored.analysis["rows"]
    assert [r["outcome"] for r in rows] == ["create", "create"]
    assert all(r["keys"] and r["homepage"].startswith("http://bind") and r["target"] is None for r in rows)


def test_the_confirm_parses_and_classifies_nothing(demo_users, monkeypatch):
    laishui = demo_users["laishui"]
    town = Unit.objects.get(name="九龙镇人民政府")
    batch = dry_run(laishui, town, filings(town, 3, "noparse"))

    def forbidden(*args, **kwargs):
        raise AssertionError("the confirm parsed or classified a workbook again")

    for module, name in [(imports, "read_upload"), (imports, "parse_member"), (uploads, "parse_workbook"),
                         (imports, "_classify"), (imports, "_analyse"), (imports, "_identify")]:
        monkeypatch.setattr(module, name, forbidden)
    assert imports.commit(actor=laishui, batch=batch)["created"] == 3
    assert Website.objects.filter(unit=town, status="submitted").count() == 3
    assert ImportBatch.objects.get(pk=batch.pk).state == "committed"


def test_a_file_changed_since_the_dry_run_is_refused(demo_users):
    laishui = demo_users["laishui"]
    town = Unit.objects.get(name="胡家庄乡人民政府")
    batch = dry_run(laishui, town, filings(town, 2, "digest"), name="胡家庄.xlsx")
    other = fill_workbook(imports.workbook_for(town), filings(town, 2, "swapped"))
    ImportFile.objects.filter(batch=batch).update(content=other)
    with pytest.raises(imports.AnalysisStale, match="文件 胡家庄.xlsx 在预检之后已改变（摘要不符）") as refused:
        imports.commit(actor=laishui, batch=batch)
    assert refused.value.code == "registry.import_stale" and refused.value.where == {"file": "胡家庄.xlsx"}
    assert not Website.objects.filter(unit=town).exists()
    assert ImportBatch.objects.get(pk=batch.pk).state == "dry_run"  # nothing lost: cancel or upload again


def test_a_record_changed_since_the_dry_run_is_refused_then_a_new_dry_run_passes(demo_users):
    laishui = demo_users["laishui"]
    town = Unit.objects.get(name="其中口乡人民政府")
    rows = filings(town, 2, "moved")
    imports.commit(actor=laishui, batch=dry_run(laishui, town, rows))
    rows[0].basic["site_name"] = "第一次更正"
    first = dry_run(laishui, town, rows, "first.xlsx")
    rows[0].basic["site_name"] = "第二次更正"
    second = dry_run(laishui, town, rows, "second.xlsx")
    assert first.summary["totals"]["update"] == second.summary["totals"]["update"] == 1
    imports.commit(actor=laishui, batch=first)
    with pytest.raises(imports.AnalysisStale, match=r"文件 second.xlsx 第 \d+ 行：网站“第一次更正”在预检之后已被修改"):
        imports.commit(actor=laishui, batch=second)
    assert Website.objects.filter(unit=town, name="第二次更正").count() == 0
    again = dry_run(laishui, town, rows, "second.xlsx")
    assert imports.commit(actor=laishui, batch=again)["updated"] == 1
    assert Website.objects.filter(unit=town, name="第二次更正").count() == 1


def test_a_site_registered_since_the_dry_run_refuses_its_creation(demo_users):
    laishui, clerk = demo_users["laishui"], demo_users["laishui_jyj"]
    town = Unit.objects.get(name="赵各庄镇人民政府")
    batch = dry_run(laishui, town, filings(town, 2, "taken"))
    [online] = filings(clerk.unit, 1, "taken")
    online.basic["homepage_url"] = "HTTPS://TAKEN0.laishui.gov.cn/index.html"
    services.save_draft(actor=clerk, unit=clerk.unit, filing=online)
    with pytest.raises(imports.AnalysisStale, match="在预检之后已有网站登记——首页网址.*已由"):
        imports.commit(actor=laishui, batch=batch, valid_only=True)
    assert not Website.objects.filter(unit=town).exists()  # not even the other, untouched site


def test_a_confirm_that_ran_behind_another_confirm_of_its_batch_is_told_the_batch_was_taken(demo_users, monkeypatch):
    """Two confirms of one batch at once: the one behind passes the state check before the other takes
    the batch, then finds the other's new sites; it is told the batch was taken, not to dry-run again
    (test_races runs it for real on PostgreSQL; here the other confirm runs whole in between)."""
    laishui = demo_users["laishui"]
    town = Unit.objects.get(name="赵各庄镇人民政府")
    batch = dry_run(laishui, town, filings(town, 2, "twice"))
    real = imports._stored_plan

    def other_confirm_meanwhile(stored):
        planned = real(stored)
        monkeypatch.setattr(imports, "_stored_plan", real)
        assert imports.commit(actor=laishui, batch=batch)["created"] == 2
        return planned

    monkeypatch.setattr(imports, "_stored_plan", other_confirm_meanwhile)
    with pytest.raises(imports.InvalidState, match="该批次正在导入或已导入"):
        imports.commit(actor=laishui, batch=batch)
    assert Website.objects.filter(unit=town).count() == 2


def test_a_rows_identity_goes_through_site_key_once(demo_users, monkeypatch):
    laishui = demo_users["laishui"]
    town = Unit.objects.get(name="九龙镇人民政府")
    rows = filings(town, 3, "once")
    rows[0].basic["other_domains"] = ["once-alias.laishui.gov.cn"]
    data = fill_workbook(imports.workbook_for(town), rows)
    calls = count_site_keys(monkeypatch)
    batch = imports.dry_run(actor=laishui, uploads=[("t.xlsx", SimpleUploadedFile("t.xlsx", data))])
    assert batch.summary["totals"]["create"] == 3
    keys = [key for row in ImportFile.objects.get(batch=batch).analysis["rows"] for key in row["keys"]]
    assert len(keys) == 4 and "once-alias.laishui.gov.cn" in keys
    assert {key: calls[key] for key in keys} == dict.fromkeys(keys, 1)


def test_the_batch_lifecycle_refuses_in_chinese(demo_users):
    laishui = demo_users["laishui"]
    town = Unit.objects.get(name="胡家庄乡人民政府")
    batch = dry_run(laishui, town, filings(town, 1, "life"))
    assert lifecycle.can(batch, "start_commit") and not lifecycle.can(batch, "finish_analysis")
    imports.commit(actor=laishui, batch=batch)
    batch.refresh_from_db()
    with pytest.raises(AttributeError):
        batch.state = "dry_run"  # protected: only a transition moves it
    with pytest.raises(TransitionRefused, match="该批次已导入或已取消") as refused:
        imports.cancel(actor=laishui, batch=batch)
    assert refused.value.code == "registry.importbatch.cancel"


def test_versions_move_by_their_lifecycle(demo_users):
    site = Website.objects.filter(status="approved").first()
    current = WebsiteVersion.objects.filter(website=site, state="current").first()
    assert current is not None
    with pytest.raises(TransitionRefused, match="只有待审核的版本可以退回"):
        lifecycle.fire(current, "reject")
    with pytest.raises(AttributeError):
        current.state = "superseded"


def test_the_confirm_writes_its_chunks_without_pausing(demo_users, monkeypatch):
    import time

    laishui = demo_users["laishui"]
    town = Unit.objects.get(name="赵各庄镇人民政府")
    batch = dry_run(laishui, town, filings(town, 3, "nopause"))

    def no_sleep(seconds):
        raise AssertionError(f"the confirm paused {seconds} s between chunks")

    monkeypatch.setattr(time, "sleep", no_sleep)
    chunks = []
    result = imports.commit(actor=laishui, batch=batch, chunk=1, progress=lambda done, total: chunks.append(done))
    assert result["created"] == 3 and chunks == [1, 2, 3]


def test_the_confirm_takes_the_stored_keys(demo_users, monkeypatch):
    """Downstream of the analysis (the confirm and the saves it makes) no row's identity is
    computed again: site_key is not called for the rows' keys."""
    laishui = demo_users["laishui"]
    town = Unit.objects.get(name="其中口乡人民政府")
    batch = dry_run(laishui, town, filings(town, 2, "stored"))
    calls = count_site_keys(monkeypatch)
    assert imports.commit(actor=laishui, batch=batch)["created"] == 2
    keys = [key for row in ImportFile.objects.get(batch=batch).analysis["rows"] for key in row["keys"]]
    assert keys and not {key: calls[key] for key in keys if calls[key]}


def test_the_confirm_sizes_its_chunks_by_the_time_they_take(demo_users, monkeypatch, settings):
    """Each write transaction is sized to take about IMPORT_COMMIT_SECONDS at the pace of the one
    before: on a slow (loaded) machine the chunks shrink to one site, so a login waiting for
    SQLite's write lock waits about one budget, never the busy timeout. The test's own clock:
    each reading 4 s after the last, so every chunk "takes" 4 s."""
    laishui = demo_users["laishui"]
    town = Unit.objects.get(name="赵各庄镇人民政府")
    batch = dry_run(laishui, town, filings(town, 9, "paced"))
    readings = iter(range(0, 1000, 4))
    monkeypatch.setattr(imports, "_clock", lambda: next(readings))
    settings.IMPORT_COMMIT_SECONDS, settings.IMPORT_COMMIT_CHUNK = 2.0, 0
    chunks = []
    result = imports.commit(actor=laishui, batch=batch, progress=lambda done, total: chunks.append(done))
    # 5 sites in 4 s: 2 fit in 2 s; 2 in 4 s: 1 fits; then one at a time.
    assert result["created"] == 9 and chunks == [5, 7, 8, 9]


def test_the_next_chunk_fits_the_budget_within_its_bounds():
    assert imports.next_chunk(0, 0.0, budget=1.0, ceiling=100) == imports.FIRST_CHUNK
    assert imports.next_chunk(0, 0.0, budget=1.0, ceiling=3) == 3
    assert imports.next_chunk(5, 0.5, budget=1.0, ceiling=100) == 10
    assert imports.next_chunk(5, 0.01, budget=1.0, ceiling=100) == 100  # fast: the ceiling
    assert imports.next_chunk(1, 30.0, budget=1.0, ceiling=100) == 1  # very slow: still one site
    assert imports.next_chunk(4, 0.0, budget=1.0, ceiling=40) == 40
