"""A login that needs a second factor goes from the password straight to the second-factor
page (no round trip through a page that only redirects there), and on to the page asked for."""

import pytest

from sitecensus.accounts import otp
from sitecensus.accounts.models import User
from sitecensus.portal.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["guoban", "hebei", "laishui", "secadmin"])
def test_password_leads_straight_to_the_second_factor(client, username):
    response = client.post("/accounts/login/?next=/sites/review/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/otp/verify/?next=%2Fsites%2Freview%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    code = otp.demo_code_for(User.objects.get(username=username))
    response = client.post(response["Location"], {"token": code})
    assert response.status_code == 302 and response["Location"] == "/sites/review/"


def test_without_a_second_factor_the_page_asked_for_follows_at_once(client):
    response = client.post("/accounts/login/", {"username": "laishui_lsz", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_an_account_without_a_device_goes_straight_to_enrolment(client, demo_users):
    user = demo_users["baoding"]
    otp.TOTPDevice.objects.filter(user=user).delete()
    response = client.post("/accounts/login/", {"username": "baoding", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/otp/setup/"
