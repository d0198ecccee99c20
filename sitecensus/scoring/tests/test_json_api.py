"""The scorecard JSON API takes typed booleans and refuses deep nesting with a
400 (issue: any non-empty "submit" submitted the card; deep JSON gave a 500)."""

import json

import pytest

from sitecensus.scoring.models import Scorecard

pytestmark = pytest.mark.django_db


def _draft(client, demo_users):
    card = Scorecard.objects.get(website__name="保定市教育局", stage=Scorecard.Stage.SELF)
    assert card.status == "draft"
    client.force_login(demo_users["baoding_jyj"])
    return f"/checks/card/{card.pk}/entries.json", card


@pytest.mark.parametrize("submit", ["false", "0", 0, 1, "yes", None, [], {}])
def test_submit_must_be_a_json_boolean(client, demo_users, submit):
    url, card = _draft(client, demo_users)
    response = client.post(url, json.dumps({"entries": {}, "submit": submit}), content_type="application/json")
    assert response.status_code == 400 and "true 或 false" in response.json()["error"]
    card.refresh_from_db()
    assert card.status == "draft"


def test_submit_false_saves_only(client, demo_users):
    url, card = _draft(client, demo_users)
    response = client.post(url, json.dumps({"entries": {"A2": {"count": 1}}, "submit": False}),
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "draft"


@pytest.mark.parametrize("depth", [40, 100_000])
def test_deeply_nested_json_is_a_400(client, demo_users, depth):
    url, card = _draft(client, demo_users)
    body = '{"entries": ' + "[" * depth + "]" * depth + "}"
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400 and "嵌套过深" in response.json()["error"]
