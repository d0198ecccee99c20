"""One rule set: a corpus of realistic broken workbooks gives the same errors
from `sitecensus forms check`, the web check, the dry run and the commit."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sitecensus.core.errors import InvalidState
from sitecensus.jobs.models import Job
from sitecensus.orgs.models import Unit
from sitecensus.registry import imports
from sitecensus.registry.formspec.check import check_main, format_error
from sitecensus.registry.formspec.uploads import read_upload
from sitecensus.registry.models import ImportBatch, Phase, Website
from sitecensus.registry.testing import fill_workbook, sample_filing

pytestmark = pytest.mark.django_db


def filings(unit, n, prefix):
    return [sample_filing(name=f"{unit.name}网站{i}", url=f"http://{prefix}{i}.laishui.gov.cn", unit_name=unit.name)
            for i in range(n)]


def corpus(town) -> dict[str, bytes]:
    """Mistakes real clerks make, one workbook each."""
    books = {}
    # A site with no 栏目 among 14 good ones.
    sites = filings(town, 15, "nocol")
    sites[7].columns = []
    books["缺栏目.xlsx"] = fill_workbook(imports.workbook_for(town), sites)
    # A column row for a site that is not on 基本信息表 (the URL typed differently).
    sites = filings(town, 4, "stray")
    data = fill_workbook(imports.workbook_for(town), sites)
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book["栏目信息表"]
    ws.cell(row=ws.max_row + 1, column=1, value="http://stray9.laishui.gov.cn/")
    for col, value in enumerate(["首页", "http://stray9.laishui.gov.cn/a/", None, "是", "通知公告", "每周"], start=2):
        ws.cell(row=ws.max_row, column=col, value=value)
    out = io.BytesIO()
    book.save(out)
    books["错栏目行.xlsx"] = out.getvalue()
    # Typing mistakes: a bad e-mail, a URL without the scheme's colon, a bad column class.
    sites = filings(town, 4, "typo")
    sites[0].basic["principal_email"] = "zhang#lsx.gov.cn"
    sites[1].basic["homepage_url"] = "http//typo1.laishui.gov.cn"
    sites[2].columns[0]["column_class"] = "新闻"
    books["笔误.xlsx"] = fill_workbook(imports.workbook_for(town), sites)
    return books


def cli_lines(capsys, path) -> str:
    check_main([str(path)])
    return capsys.readouterr().out


def web_check(client, name, data) -> dict:
    response = client.post("/sites/check/", {"files": [SimpleUploadedFile(name, data)]})
    assert response.status_code == 200
    return response.context["summary"]


def test_corpus_gives_the_same_errors_everywhere(demo_users, client, capsys, tmp_path):
    laishui = demo_users["laishui"]
    town = Unit.objects.get(name="赵各庄镇人民政府")
    client.force_login(laishui)
    for name, data in corpus(town).items():
        parsed = read_upload(data, filename=name)[0]
        expected = [str(e) for e in parsed.errors]
        assert expected, name
        # 1. forms check: every error, located by file / sheet / row / column.
        path = tmp_path / name
        path.write_bytes(data)
        out = cli_lines(capsys, path)
        for error in parsed.errors:
            assert format_error(error) in out, (name, error)
            assert error.file and error.sheet and error.row and error.column, error
        # 2. the web check
        checked = web_check(client, name, data)
        assert checked["files"][0]["errors"] == expected
        # 3. the dry run, with a result for every site whatever else is wrong
        batch = imports.dry_run(actor=laishui, uploads=[(name, SimpleUploadedFile(name, data))])
        entry = batch.summary["files"][0]
        assert entry["errors"] == expected
        assert len(entry["rows"]) == len(parsed.sites)
        valid_rows = [r["url"] for r in entry["rows"] if r["outcome"] != "error"]
        assert entry["valid"] == len(valid_rows) == sum(1 for s in parsed.sites if not s.errors)
        # 4. the commit refuses with the same count, and imports exactly the valid sites on request
        with pytest.raises(InvalidState, match=f"共有 {len(expected)} 处错误"):
            imports.commit(actor=laishui, batch=batch)
        result = imports.commit(actor=laishui, batch=batch, valid_only=True)
        assert result["created"] == len(valid_rows)
        saved = set(Website.objects.filter(unit=town, homepage_url__in=valid_rows).values_list("homepage_url",
                                                                                                flat=True))
        assert saved == set(valid_rows)
    # The 14 good sites of the first file are in; the one without columns is not.
    assert Website.objects.filter(unit=town, homepage_url__startswith="http://nocol").count() == 14
    assert not Website.objects.filter(homepage_url="http://nocol7.laishui.gov.cn/").exists()


def test_the_stray_column_row_does_not_hide_the_other_sites(demo_users, client):
    client.force_login(demo_users["laishui"])
    town = Unit.objects.get(name="赵各庄镇人民政府")
    data = corpus(town)["错栏目行.xlsx"]
    summary = web_check(client, "错栏目行.xlsx", data)
    entry = summary["files"][0]
    assert [r["outcome"] for r in entry["rows"]] == ["create"] * 4
    assert len(entry["errors"]) == 1 and "没有对应的网站" in entry["errors"][0]
    assert "第 27 行" in entry["errors"][0] and "A 列（所属网站首页网址）" in entry["errors"][0]


def test_deadline_rule_is_the_same_at_dry_run_and_commit(demo_users):
    laishui = demo_users["laishui"]
    town = Unit.objects.get(name="赵各庄镇人民政府")
    today = timezone.localdate()
    Phase.objects.filter(kind="inventory").update(opens_on=today - timedelta(days=30),
                                                  closes_on=today - timedelta(days=1))
    data = fill_workbook(imports.workbook_for(town), filings(town, 2, "late"))
    batch = imports.dry_run(actor=laishui, uploads=[("晚.xlsx", SimpleUploadedFile("晚.xlsx", data))])
    entry = batch.summary["files"][0]
    assert entry["create"] == 0 and entry["invalid"] == 2
    assert all("截止" in e and "晚.xlsx" in e and "第 " in e for e in entry["errors"])
    with pytest.raises(InvalidState, match="共有 2 处错误"):
        imports.commit(actor=laishui, batch=batch)
    with pytest.raises(InvalidState, match="没有可以导入的网站"):
        imports.commit(actor=laishui, batch=batch, valid_only=True)
    assert not Website.objects.filter(unit=town).exists()


def test_zip_accounts_for_every_file_and_shows_progress_per_workbook(demo_users, client):
    laishui = demo_users["laishui"]
    client.force_login(laishui)
    towns = list(Unit.objects.filter(path__startswith=laishui.unit.path, depth=laishui.unit.depth + 1,
                                     is_organizer=False,
                                     name__endswith="乡人民政府").order_by("path")[:3])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i, town in enumerate(towns):
            archive.writestr(f"{town.name}.xlsx", fill_workbook(imports.workbook_for(town),
                                                                filings(town, 1, f"zip{i}x")))
        archive.writestr("旧表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100)
        archive.writestr("说明.docx", b"PK\x03\x04")
    response = client.post("/sites/import/", {"files": [SimpleUploadedFile("全县.zip", buffer.getvalue())]})
    # One dry-run job for the whole upload, its progress counted per workbook.
    job = Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert job.kind == "import_dry_run" and (job.done, job.total) == (len(towns), len(towns))
    response = client.get(response["Location"])  # the job is done: on to the batch
    batch = ImportBatch.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert batch.summary["progress"] == {"done": len(towns), "total": len(towns)}
    skipped = batch.summary["skipped"]
    assert len(skipped) == 2
    assert any("旧表.xls" in s and "旧版 Excel（.xls）" in s for s in skipped)
    page = client.get(response["Location"]).content.decode()
    assert "未导入的文件（2 个）" in page and "旧表.xls" in page
    assert len(batch.summary["files"]) == len(towns)


def test_confirm_not_offered_when_every_file_failed(demo_users, client):
    laishui = demo_users["laishui"]
    client.force_login(laishui)
    response = client.post("/sites/import/", {"files": [SimpleUploadedFile("a.xls", b"\xd0\xcf\x11\xe0" + b"0" * 50)]})
    response = client.get(response["Location"])  # the dry-run job is done: on to the batch
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="nothing-to-import"' in page and 'data-testid="commit"' not in page


def test_abandoned_batches_expire(demo_users, client, settings):
    laishui = demo_users["laishui"]
    town = Unit.objects.get(name="赵各庄镇人民政府")
    data = fill_workbook(imports.workbook_for(town), filings(town, 1, "old"))
    batch = imports.receive(actor=laishui, uploads=[("a.xlsx", SimpleUploadedFile("a.xlsx", data))])
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(days=2))
    settings.IMPORT_BATCH_TTL = 24 * 3600
    client.force_login(laishui)
    assert client.get("/sites/import/").status_code == 200
    batch.refresh_from_db()
    assert batch.state == "cancelled" and batch.summary["expired"] and not batch.files.exists()
    assert "已自动作废" in client.get(f"/sites/import/{batch.pk}/").content.decode()


def test_reporting_unit_downloads_and_checks_its_own_workbook(demo_users, client):
    clerk = demo_users["laishui_lsz"]
    client.force_login(clerk)
    home = client.get("/").content.decode()
    assert f"/sites/workbook/{clerk.unit_id}/" in home and "/sites/check/" in home
    response = client.get(f"/sites/workbook/{clerk.unit_id}/")
    assert response.status_code == 200
    data = fill_workbook(response.content, filings(clerk.unit, 2, "own"))
    summary = web_check(client, "本单位.xlsx", data)
    assert summary["totals"]["error_count"] == 0 and summary["totals"]["valid"] == 2
    assert not Website.objects.filter(unit=clerk.unit, homepage_url__startswith="http://own").exists()
