import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sitecensus.core.errors import InvalidInput, InvalidState
from sitecensus.jobs.models import Job
from sitecensus.orgs.models import Unit
from sitecensus.registry import imports
from sitecensus.registry.models import ImportBatch, Website
from sitecensus.registry.testing import fill_workbook, sample_filing

pytestmark = pytest.mark.django_db


def workbook(unit, filings):
    return fill_workbook(imports.workbook_for(unit), filings)


def town_filings(unit, n=2, prefix="zg"):
    return [sample_filing(name=f"{unit.name}网站{i}", url=f"http://{prefix}{i}.laishui.gov.cn", unit_name=unit.name)
            for i in range(n)]


def upload(name, data):
    return (name, SimpleUploadedFile(name, data))


def test_dry_run_then_confirm_then_reimport(demo_users):
    laishui = demo_users["laishui"]
    town = Unit.objects.get(name="赵各庄镇人民政府")
    data = workbook(town, town_filings(town))
    batch = imports.dry_run(actor=laishui, uploads=[upload("赵各庄镇.xlsx", data)])
    totals = batch.summary["totals"]
    assert (totals["create"], totals["update"], totals["error_count"], totals["columns"]) == (2, 0, 0, 12)
    assert not Website.objects.filter(unit=town).exists()  # a dry run saves nothing
    result = imports.commit(actor=laishui, batch=batch)
    assert result["created"] == 2
    sites = Website.objects.filter(unit=town)
    assert sites.count() == 2 and all(s.status == "submitted" and s.pending_at == laishui.unit for s in sites)
    with pytest.raises(InvalidState, match="已导入、已取消"):
        imports.commit(actor=laishui, batch=batch)
    again = imports.dry_run(actor=laishui, uploads=[upload("赵各庄镇.xlsx", data)])
    assert again.summary["totals"]["unchanged"] == 2
    imports.commit(actor=laishui, batch=again)
    assert Website.objects.filter(unit=town).count() == 2  # no duplicates


def test_corrected_file_replaces_pending_data(demo_users):
    laishui = demo_users["laishui"]
    town = Unit.objects.get(name="九龙镇人民政府")
    filings = town_filings(town, 1, prefix="jl")
    imports.commit(actor=laishui, batch=imports.dry_run(actor=laishui, uploads=[upload("a.xlsx", workbook(town, filings))]))
    filings[0].basic["site_name"] = "九龙镇政府网（更正）"
    batch = imports.dry_run(actor=laishui, uploads=[upload("b.xlsx", workbook(town, filings))])
    assert batch.summary["totals"]["update"] == 1
    imports.commit(actor=laishui, batch=batch)
    site = Website.objects.get(unit=town)
    assert site.name == "九龙镇政府网（更正）" and site.status == "submitted"
    assert site.versions.count() == 1


def test_errors_save_nothing_unless_valid_only(demo_users):
    laishui = demo_users["laishui"]
    town = Unit.objects.get(name="一渡镇人民政府")
    filings = town_filings(town, 3, prefix="yd")
    filings[1].basic["principal_email"] = "not-an-email"
    filings[2].basic["homepage_url"] = "htp://bad"
    batch = imports.dry_run(actor=laishui, uploads=[upload("一渡镇.xlsx", workbook(town, filings))])
    entry = batch.summary["files"][0]
    assert (entry["create"], entry["invalid"]) == (1, 2)
    # Every error the workbook check finds (the bad URL's six column rows too), each located.
    assert entry["error_count"] == 8
    assert any("一渡镇.xlsx" in e and "基本信息表" in e and "第 4 行" in e for e in entry["errors"])
    with pytest.raises(InvalidState, match="未导入任何数据"):
        imports.commit(actor=laishui, batch=batch)
    assert not Website.objects.filter(unit=town).exists()
    result = imports.commit(actor=laishui, batch=batch, valid_only=True)
    assert (result["created"], result["skipped"]) == (1, 2)
    assert Website.objects.filter(unit=town).count() == 1


def test_workbook_of_another_unit_is_refused(demo_users):
    town = Unit.objects.get(name="明义镇人民政府")
    data = workbook(town, town_filings(town, 1, prefix="my"))
    batch = imports.dry_run(actor=demo_users["baoding"], uploads=[upload("明义镇.xlsx", data)])
    assert "不是本单位或直属下级单位的" in batch.summary["files"][0]["errors"][0]
    with pytest.raises(InvalidState):
        imports.commit(actor=demo_users["baoding"], batch=batch)


def test_same_site_twice_in_a_batch(demo_users):
    laishui = demo_users["laishui"]
    town = Unit.objects.get(name="王村镇人民政府")
    data = workbook(town, town_filings(town, 1, prefix="wc"))
    batch = imports.dry_run(actor=laishui, uploads=[upload("a.xlsx", data), upload("b.xlsx", data)])
    assert batch.summary["totals"]["create"] == 1
    assert "同一批次只能导入一次" in batch.summary["files"][1]["errors"][0]


def test_zip_of_workbooks_and_bad_files(demo_users):
    laishui = demo_users["laishui"]
    towns = [Unit.objects.get(name=n) for n in ("娄村镇人民政府", "东文山镇人民政府")]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i, town in enumerate(towns):
            archive.writestr(f"涞水/{town.name}.xlsx", workbook(town, town_filings(town, 1, prefix=f"z{i}")))
    batch = imports.dry_run(actor=laishui, uploads=[upload("涞水.zip", buffer.getvalue()),
                                                    upload("假的.xlsx", b"this is not a workbook")])
    files = {f["name"]: f for f in batch.summary["files"]}
    assert batch.summary["totals"]["create"] == 2
    bad = [f for name, f in files.items() if "假的" in name][0]
    assert "不是有效的 Excel" in bad["errors"][0]
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("../../etc/x.xlsx", b"x")
    batch = imports.dry_run(actor=laishui, uploads=[upload("evil.zip", evil.getvalue())])
    assert batch.summary["totals"]["error_count"] == 1


def test_upload_limits(demo_users, settings):
    laishui = demo_users["laishui"]
    with pytest.raises(InvalidInput, match="请选择"):
        imports.dry_run(actor=laishui, uploads=[])
    big = SimpleUploadedFile("big.xlsx", b"0" * (imports.LIMITS["file_bytes"] + 1))
    with pytest.raises(InvalidInput, match="超过"):
        imports.dry_run(actor=laishui, uploads=[("big.xlsx", big)])
    assert not ImportBatch.objects.filter(uploaded_by=laishui).exists()


def test_import_pages(client, demo_users):
    laishui = demo_users["laishui"]
    town = Unit.objects.get(name="其中口乡人民政府")
    client.force_login(laishui)
    response = client.get(f"/sites/workbook/{town.pk}/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = fill_workbook(response.content, town_filings(town, 1, prefix="qzk"))
    response = client.post("/sites/import/", {"files": [SimpleUploadedFile("其中口乡.xlsx", data),
                                                        SimpleUploadedFile("copy.xlsx", data)]})
    # The dry run of both workbooks is ONE background job (run inline in the tests), then its result page.
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    [job] = Job.objects.filter(kind="import_dry_run")
    assert job.status == "done" and (job.done, job.total) == (2, 2)
    response = client.get(response["Location"])
    assert response.status_code == 302 and "/sites/import/" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "将新增" in page and "其中口乡.xlsx" in page and "同一批次只能导入一次" in page
    response = client.post(response["Location"], {"action": "commit", "valid_only": "1"})
    assert Website.objects.filter(unit=town, status="submitted").count() == 1
    # Another organizing unit cannot see the batch nor download the workbook.
    client.force_login(demo_users["baoding"])
    assert client.get(response["Location"]).status_code == 404
    assert client.get(f"/sites/workbook/{town.pk}/").status_code == 403


def test_a_batch_in_analysis_cannot_be_confirmed(demo_users):
    laishui = demo_users["laishui"]
    town = Unit.objects.get(name="胡家庄乡人民政府")
    data = workbook(town, town_filings(town, 1, prefix="hjz"))
    batch = imports.receive(actor=laishui, uploads=[upload("a.xlsx", data), upload("b.xlsx", data)])
    assert batch.state == "analysing" and batch.summary["progress"] == {"done": 0, "total": 2}
    with pytest.raises(InvalidState, match="尚在预检"):
        imports.commit(actor=laishui, batch=batch)
    imports.cancel(actor=laishui, batch=batch)
    assert not Website.objects.filter(unit=town).exists()
