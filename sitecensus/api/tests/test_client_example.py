"""The worked client (examples/api_client.py) against a live server: it mirrors
Hebei's websites, follows the change feed, and a unit files its self-check."""

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
                         capture_output=True, text=True, timeout=120)
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
