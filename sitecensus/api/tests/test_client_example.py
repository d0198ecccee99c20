"""The worked client (examples/api_client.py) against a live server on loopback: a
provincial platform mirrors Hebei's full census record (every form field and column
of every site) from the API alone, follows the change feed, acts on what waits for
its decision (a migration with its new address), and units download their workbook
and file their self-check."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sitecensus.api import services

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "api_client.py"


def load_client():
    spec = importlib.util.spec_from_file_location("api_client", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db(transaction=True)
def test_example_client_mirrors_a_province_and_files_a_self_check(live_server, live_demo, tmp_path):
    from sitecensus.accounts.models import User
    from sitecensus.registry.models import Website
    from sitecensus.scoring.models import Scorecard

    api_client = load_client()
    hebei = User.objects.select_related("unit").get(username="hebei")
    fgw = User.objects.select_related("unit").get(username="hebei_fgw")
    province = services.create_token(actor=hebei, name="河北省平台", scopes=["registry:read"])[1]
    unit = services.create_token(actor=fgw, name="发改委", scopes=["registry:read", "scoring:write"])[1]

    # First run through the command line: every site of Hebei, nothing else.
    state_file = tmp_path / "mirror.json"
    env = {**os.environ, "SITECENSUS_URL": live_server.url, "SITECENSUS_TOKEN": province}
    run = subprocess.run([sys.executable, str(EXAMPLE), "mirror", str(state_file)], env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    state = json.loads(state_file.read_text(encoding="utf-8"))
    expected = set(Website.objects.filter(unit__path__startswith=hebei.unit.path).values_list("id", flat=True))
    assert {int(k) for k in state["sites"]} == expected
    assert "个网站" in run.stdout

    # A change in Hebei and one outside: the next run fetches exactly the first.
    inside = Website.objects.get(name="涞水县人民政府")
    inside.name = "涞水县人民政府门户网站"
    inside.save()
    Website.objects.exclude(unit__path__startswith=hebei.unit.path).first().save()
    client = api_client.Client(live_server.url, province)
    api_client.mirror(client, state)
    assert state["last_changed"] == [inside.pk]
    assert ("website", inside.pk) in state["last_events"]
    assert state["sites"][str(inside.pk)]["name"] == "涞水县人民政府门户网站"

    # A run with nothing new fetches nothing.
    api_client.mirror(client, state)
    assert state["last_changed"] == [] and state["last_events"] == []

    # The unit files its self-check with a screenshot; a retried submit returns the same answer.
    from sitecensus.evidence.testing import png_bytes

    shot = tmp_path / "首页截图.png"
    shot.write_bytes(png_bytes())
    site = Website.objects.get(name="河北省发展和改革委员会")
    filer = api_client.Client(live_server.url, unit)
    card = api_client.file_self_check(filer, site.pk, {"A2": {"count": 2}}, [str(shot)])
    assert (card["status"], card["score"], card["result"]) == ("submitted", "98.00", "合格")
    assert [(f["name"], f["kind"]) for f in card["files"]] == [("首页截图.png", "png")]
    again = filer.call("POST", f"/scorecards/{card['id']}/submit", idempotency_key=f"submit-{card['id']}")
    assert again == card
    assert Scorecard.objects.get(pk=card["id"]).is_submitted
    # Errors arrive as Chinese with a stable code.
    with pytest.raises(api_client.ApiError) as refused:
        filer.call("POST", f"/scorecards/{card['id']}/submit")
    assert refused.value.status == 409 and refused.value.code == "scoring.scorecard.submit" and "提交" in refused.value.detail


def run_cli(live_server, raw, *args):
    env = {**os.environ, "SITECENSUS_URL": live_server.url, "SITECENSUS_TOKEN": raw}
    return subprocess.run([sys.executable, str(EXAMPLE), *map(str, args)], env=env, capture_output=True, text=True,
                          timeout=600)


@pytest.mark.django_db(transaction=True)
def test_a_province_mirrors_its_full_census_record_and_acts_on_its_waiting_list(live_server, live_demo, tmp_path):
    from openpyxl import load_workbook

    from sitecensus.accounts.models import User
    from sitecensus.api import census
    from sitecensus.registry.formspec.spec import load_forms
    from sitecensus.registry.models import Website

    users = {u.username: u for u in User.objects.select_related("unit").filter(
        username__in=["hebei", "baoding", "baoding_jyj"])}
    province = services.create_token(actor=users["hebei"], name="河北省平台", scopes=["registry:write"])[1]
    city = services.create_token(actor=users["baoding"], name="保定市平台", scopes=["registry:write"])[1]
    unit = services.create_token(actor=users["baoding_jyj"], name="保定市教育局", scopes=["registry:write"])[1]

    # The full record, from the API alone: every field of the form definitions, every column.
    state_file = tmp_path / "mirror.json"
    run = run_cli(live_server, province, "mirror", state_file)
    assert run.returncode == 0, run.stderr
    state = json.loads(state_file.read_text(encoding="utf-8"))
    hebei = Website.objects.filter(unit__path__startswith=users["hebei"].unit.path)
    assert {int(k) for k in state["sites"]} == set(hebei.values_list("id", flat=True))
    codes = [f.code for f in load_forms()["basic_info"].fields if not f.system]
    for site in hebei.prefetch_related("columns"):
        mirrored = state["sites"][str(site.pk)]
        assert list(mirrored["basic"]) == codes
        assert mirrored["basic"] == census.form_values(site.data), site.name
        assert [(c["name"], c["url"], c["remarks"]) for c in mirrored["columns"]] == [
            (c.name, c.url, c.remarks) for c in site.columns.order_by("position")]
    assert any(s["basic"]["contact1_mobile"] and s["basic"]["sponsor_unit"] and s["basic"]["icp_number"]
               for s in state["sites"].values())

    # A unit downloads its workbook and asks to migrate its site to a new address.
    book = tmp_path / "填报模板.xlsx"
    run = run_cli(live_server, unit, "workbook", users["baoding_jyj"].unit_id, book)
    assert run.returncode == 0, run.stderr
    assert load_forms()["basic_info"].sheet in load_workbook(book).sheetnames
    site = Website.objects.get(site_code="1306000002")
    # Without the new address: refused in Chinese, with its code, nothing filed.
    run = run_cli(live_server, unit, "migrate", site.pk, "", "主管部门统一域名")
    assert run.returncode == 1 and "错误（invalid）" in run.stderr and "迁移后的首页网址" in run.stderr, run.stderr
    assert Website.objects.get(pk=site.pk).status == "approved"
    run = run_cli(live_server, unit, "migrate", site.pk, "https://jyj.baoding.example.gov.cn/", "主管部门统一域名")
    assert run.returncode == 0 and "迁移申请已提交" in run.stdout, run.stderr

    # Each level sees it in its own waiting list and decides; the province's decision is the last.
    api_client = load_client()
    client = api_client.Client(live_server.url, province)
    assert site.pk not in [i["id"] for i in api_client.waiting(client)]
    run = run_cli(live_server, city, "waiting", "life")
    assert run.returncode == 0 and f"{site.pk}\tlife" in run.stdout and "https://jyj.baoding.example.gov.cn/" in run.stdout
    assert run_cli(live_server, city, "approve", site.pk).returncode == 0
    item = next(i for i in api_client.waiting(client) if i["id"] == site.pk)
    assert item["life_change"]["new_url"] == "https://jyj.baoding.example.gov.cn/"
    run = run_cli(live_server, province, "approve", site.pk)
    assert run.returncode == 0 and "1306000002" in run.stdout, run.stderr
    assert site.pk not in [i["id"] for i in api_client.waiting(client)]
    # Approved: the notice period on the old address first; the 报备 then moves it (registry.services.life).
    api_client.mirror(client, state)
    assert state["sites"][str(site.pk)]["life"] == "merging"
    from sitecensus.registry.testing import complete_life_change

    complete_life_change(Website.objects.get(pk=site.pk), users["baoding_jyj"])

    # The mirror follows: the site carries on at its new address, with its code.
    api_client.mirror(client, state)
    assert site.pk in state["last_changed"]
    moved = state["sites"][str(site.pk)]
    assert (moved["life"], moved["site_code"]) == ("migrated", "1306000002")
    assert moved["homepage_url"] == moved["basic"]["homepage_url"] == "https://jyj.baoding.example.gov.cn/"
    assert Website.objects.get(pk=site.pk).homepage_url == "https://jyj.baoding.example.gov.cn/"

    # A change request waits too, with the proposed record, and the province returns it.
    other = Website.objects.get(site_code="1300000002")
    assert (other.status, other.pending_at_id) == ("submitted", users["hebei"].unit_id)
    item = next(i for i in api_client.waiting(client, "change") if i["id"] == other.pk)
    assert list(item["basic"]) == codes and item["columns"]
    run = run_cli(live_server, province, "return", other.pk, "请补充联系人二")
    assert run.returncode == 0, run.stderr
    assert Website.objects.get(pk=other.pk).status == "approved"  # the approved record stays
