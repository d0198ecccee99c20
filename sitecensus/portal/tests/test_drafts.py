"""Kept form content (portal/drafts.py) through the test client: a form posted into an
expired session is kept for its own user only, never with passwords; a saved form's
draft goes."""

from importlib import import_module

import pytest
from django.conf import settings
from django.test import Client

from sitecensus.portal.demo import DEMO_PASSWORD
from sitecensus.portal.models import FormDraft

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    from sitecensus.portal.demo import load_demo

    load_demo()


def _login(client, username):
    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content[:300]


def _expire(client):
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value).delete()


FORM = {"basic-site_name": "涞水镇政务公开网", "basic-principal_name": "王立新", "then": "save",
        "old_password": "secret-typed", "col-TOTAL_FORMS": "1", "col-INITIAL_FORMS": "0",
        "col-0-column_name": "通知公告"}


def test_a_post_into_an_expired_session_is_kept_for_its_own_user(demo):
    client = Client()
    _login(client, "laishui_lsz")
    client.get("/")  # the browser now knows whose session it held
    _expire(client)
    response = client.post("/sites/new/", FORM, HTTP_REFERER="http://testserver/sites/new/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fsites%2Fnew%2F"
    _login(client, "laishui_lsz")
    client.get("/sites/new/")
    kept = FormDraft.objects.get(user__username="laishui_lsz", path="/sites/new/")
    assert kept.origin == FormDraft.EXPIRED
    assert kept.data["basic-principal_name"] == ["王立新"]
    assert "old_password" not in kept.data and "csrfmiddlewaretoken" not in kept.data
    answer = client.get("/drafts/", {"path": "/sites/new/"}).json()
    assert answer["draft"]["data"]["col-0-column_name"] == ["通知公告"]
    # Another account never reads it.
    other = Client()
    _login(other, "laishui_jyj")
    assert other.get("/drafts/", {"path": "/sites/new/"}).json() == {"draft": None}


def test_another_account_logging_in_on_the_same_browser_does_not_receive_it(demo):
    client = Client()
    _login(client, "laishui_lsz")
    client.get("/")
    _expire(client)
    client.post("/sites/new/", FORM, HTTP_REFERER="http://testserver/sites/new/")
    _login(client, "laishui_jyj")
    client.get("/sites/new/")
    assert not FormDraft.objects.exists()


def test_a_saved_form_removes_its_draft_but_the_logout_button_does_not(demo):
    client = Client()
    _login(client, "laishui_lsz")
    save = client.post("/drafts/save/", {"_draft_path": "/sites/new/", "_draft_action": "/sites/new/",
                                         "basic-site_name": "涞水镇政务公开网", "password": "x"})
    assert save.status_code == 200 and "remaining" in save.json()
    assert FormDraft.objects.get().data == {"basic-site_name": ["涞水镇政务公开网"]}
    client.post("/accounts/logout/", HTTP_REFERER="http://testserver/sites/new/")
    assert FormDraft.objects.count() == 1  # kept across logout
    _login(client, "laishui_lsz")
    response = client.post("/sites/new/", {**FORM, "basic-homepage_url": "http://gk.lsz.laishui.gov.cn/"},
                           HTTP_REFERER="http://testserver/sites/new/")
    assert response.status_code == 302
    assert not FormDraft.objects.exists()


def test_keepalive_answers_the_time_left(demo, settings):
    client = Client()
    _login(client, "laishui_lsz")
    answer = client.post("/drafts/keepalive/").json()
    assert settings.SESSION_COOKIE_AGE - 5 <= answer["remaining"] <= settings.SESSION_COOKIE_AGE
