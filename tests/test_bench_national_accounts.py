"""bench/national.py --accounts: every open organizing unit without an account gets one
(printed in a list), and each logs in with the bench password and the demo second factor."""

import importlib
import sys
from pathlib import Path

import pytest

from sitecensus.accounts import otp
from sitecensus.accounts.models import User
from sitecensus.orgs.models import Unit

pytestmark = pytest.mark.django_db
BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture
def national():
    sys.path.insert(0, str(BENCH))
    try:
        yield importlib.import_module("national")
    finally:
        sys.path.remove(str(BENCH))


def test_every_organizing_unit_gets_a_listed_account_that_logs_in(national, client, capsys):
    without = set(Unit.objects.filter(is_organizer=True, closed_at__isnull=True)
                  .exclude(accounts__role__in=["organizer", "national_admin"]).values_list("pk", flat=True))
    assert without, "the demo has organizing units with no account (石家庄, 涿州, …)"
    created = national.ensure_national_accounts()
    assert {u.unit_id for u in created} == without
    assert all(u.role == "organizer" and otp.has_device(u) for u in created)
    national.print_accounts(created)
    listed = capsys.readouterr().out
    for user in created:
        assert f"{user.username:<12}" in listed and user.unit.name in listed
    assert national.BENCH_PASSWORD in listed
    assert national.ensure_national_accounts() == []  # again: nothing missing

    user = created[0]
    response = client.post("/accounts/login/", {"username": user.username, "password": national.BENCH_PASSWORD})
    assert response.status_code == 302
    response = client.post(response["Location"], {"token": otp.demo_code_for(User.objects.get(pk=user.pk))})
    assert response.status_code == 302 and client.get(response["Location"]).status_code == 200
