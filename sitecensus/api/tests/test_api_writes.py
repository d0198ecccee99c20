"""Writes through the API run the UI's forms and services: online filing with
columns, submit, change requests, reports and rectification answers."""

import pytest

from sitecensus.api import services
from sitecensus.registry.models import Website

pytestmark = pytest.mark.django_db


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def token(user, scopes=("registry:write", "scoring:write", "reports:write")):
    return services.create_token(actor=user, name="平台", scopes=list(scopes), days=30)[1]


def filing_json(name="河北省发改委政务服务网", url="http://zwfw.hbdrc.example.gov.cn/"):
    basic = {"site_name": name, "homepage_url": url, "competent_unit": "河北省发展和改革委员会",
             "sponsor_unit": "河北省发展和改革委员会", "site_class": "省级政府部门网站", "is_portal": False,
             "icp_number": "冀ICP备05001234号", "office_address": "河北省石家庄市", "principal_name": "张明",
             "principal_post": "主任", "principal_phone": "0311-4512345", "principal_mobile": "13812345678",
             "principal_email": "fuzeren@example.gov.cn", "contact1_name": "李华", "contact1_phone": "0311-4512346",
             "contact1_mobile": "13912345678", "contact1_email": "lianxiren@example.gov.cn",
             "running_status": "正常运行"}
    columns = [{"column_name": "通知公告", "column_url": url + "tzgg/", "is_homepage": True,
                "column_class": "通知公告", "update_period": "每周"},
               {"column_name": "政策文件", "column_url": url + "zcwj/", "column_class": "政策文件",
                "update_period": "每月"}]
    return {"basic": basic, "columns": columns}


def test_online_filing_through_the_api(client, demo_users):
    raw = token(demo_users["hebei_fgw"])
    bad = filing_json()
    bad["basic"]["principal_email"] = "not-an-email"
    refused = client.post("/api/sites", bad, content_type="application/json", **bearer(raw))
    assert refused.status_code == 400 and refused.json()["field"] == "principal_email"
    assert "基本信息" in refused.json()["detail"]
    no_columns = {**filing_json(), "columns": []}
    refused = client.post("/api/sites", no_columns, content_type="application/json", **bearer(raw))
    assert refused.status_code == 400 and "栏目" in refused.json()["detail"]
    assert not Website.objects.filter(name="河北省发改委政务服务网").exists()  # nothing half-saved
    created = client.post("/api/sites", filing_json(), content_type="application/json", **bearer(raw))
    assert created.status_code == 201, created.content
    site = created.json()
    assert site["status"] == "draft" and [c["name"] for c in site["columns"]] == ["通知公告", "政策文件"]
    duplicate = client.post("/api/sites", filing_json(), content_type="application/json", **bearer(raw))
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "duplicate"
    changed = filing_json()
    changed["columns"].append({"column_name": "办事指南", "column_url": "http://x.example.gov.cn/bszn/",
                               "column_class": "办事指南", "update_period": "每周"})
    changed["submit"] = True
    updated = client.put(f"/api/sites/{site['id']}", changed, content_type="application/json", **bearer(raw))
    assert updated.status_code == 200 and updated.json()["status"] == "submitted"
    assert len(updated.json()["columns"]) == 3
    locked = client.put(f"/api/sites/{site['id']}", changed, content_type="application/json", **bearer(raw))
    assert locked.status_code == 409 and locked.json()["code"] == "invalid_state"
    # Another unit's token cannot touch it.
    other = token(demo_users["hebei_jyt"])
    assert client.put(f"/api/sites/{site['id']}", changed, content_type="application/json",
                      **bearer(other)).status_code == 404


def test_change_request_and_report(client, demo_users):
    coded = Website.objects.get(name="涞水县人民政府")
    raw = token(demo_users["laishui"])
    same = client.post(f"/api/sites/{coded.pk}/life", {"life": "open", "reason": "x"},
                       content_type="application/json", **bearer(raw))
    assert same.status_code in (400, 409) and same.json()["code"] in ("invalid", "invalid_state")
    report = client.post("/api/reports/own", {"narrative": "", "submit": True}, content_type="application/json",
                         **bearer(raw))
    assert report.status_code == 400 and report.json()["field"] == "narrative"
    saved = client.post("/api/reports/own", {"narrative": "已完成检查", "submit": False},
                        content_type="application/json", **bearer(raw))
    assert saved.status_code == 200 and saved.json()["status"] == "draft"
    listed = client.get("/api/reports", **bearer(raw)).json()["items"]
    assert saved.json()["id"] in [r["id"] for r in listed]
    reporter = token(demo_users["laishui_jyj"])
    refused = client.post("/api/reports/own", {"narrative": "x"}, content_type="application/json",
                          **bearer(reporter))
    assert refused.status_code == 403 and refused.json()["code"] == "scoring.report"  # the policy rule's own stable code


def test_workbook_import_dry_run_then_confirm_as_a_job(client, demo_users):
    from sitecensus.orgs.models import Unit
    from sitecensus.registry import imports
    from sitecensus.registry.testing import fill_workbook, sample_filing

    town = Unit.objects.get(name="赵各庄镇人民政府")
    filings = [sample_filing(name=f"赵各庄镇网站{i}", url=f"http://api{i}.laishui.gov.cn", unit_name=town.name)
               for i in range(2)]
    data = fill_workbook(imports.workbook_for(town), filings)
    raw = token(demo_users["laishui"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    uploaded = client.post("/api/imports", {"files": [SimpleUploadedFile("赵各庄镇.xlsx", data)]}, **bearer(raw))
    assert uploaded.status_code == 201, uploaded.content
    batch = uploaded.json()
    assert batch["state"] == "dry_run" and batch["summary"]["totals"]["create"] == 2
    assert not Website.objects.filter(unit=town).exists()  # a dry run saves nothing
    key = {"HTTP_IDEMPOTENCY_KEY": f"confirm-{batch['id']}"}
    job = client.post(f"/api/imports/{batch['id']}/confirm", {"valid_only": False},
                      content_type="application/json", **key, **bearer(raw))
    retry = client.post(f"/api/imports/{batch['id']}/confirm", {"valid_only": False},
                        content_type="application/json", **key, **bearer(raw))
    assert job.status_code == retry.status_code == 202 and job.json()["id"] == retry.json()["id"]
    progress = client.get(f"/api/jobs/{job.json()['id']}", **bearer(raw)).json()
    assert progress["status"] == "done" and progress["result"]["created"] == 2, progress
    assert Website.objects.filter(unit=town).count() == 2
    again = client.post(f"/api/imports/{batch['id']}/confirm", {"valid_only": False},
                        content_type="application/json", **bearer(raw))
    # Refused by the batch's lifecycle, with its transition's stable code.
    assert again.status_code == 409 and again.json()["code"] == "registry.importbatch.start_commit"
    # Another account sees neither the batch nor the job.
    other = token(demo_users["baoding"])
    assert client.get(f"/api/imports/{batch['id']}", **bearer(other)).status_code == 404
    assert client.get(f"/api/jobs/{job.json()['id']}", **bearer(other)).status_code == 404
