"""The registry policy: a site's identifier-code login acts for its one site as
its reporting unit does, never as the organizing unit its site belongs to."""

import pytest

from sitecensus.registry import policy
from sitecensus.registry.models import Website
from sitecensus.scoring import policy as scoring_policy
from sitecensus.scoring import services as scoring_services

pytestmark = pytest.mark.django_db


def test_site_login_owns_only_its_site(demo_users):
    site_login = demo_users["1300000001"]
    own = Website.objects.get(site_code="1300000001")
    other = Website.objects.get(site_code="1300000002")
    assert policy.is_owner(site_login, own) and policy.may_change(site_login, own)
    assert not policy.is_owner(site_login, other) and not policy.may_change(site_login, other)
    assert set(policy.visible_websites(site_login)) == {own}
    assert scoring_policy.may_self_check(site_login, own)
    assert not scoring_policy.may_self_check(site_login, other)


def test_site_login_of_an_organizing_unit_does_no_organizer_work(demo_users):
    site_login = demo_users["1300000001"]
    own = Website.objects.get(site_code="1300000001")
    assert site_login.unit.is_organizer  # the premise: its site belongs to 河北省人民政府办公厅
    assert not policy.may_review(site_login)
    assert not policy.may_review_now(site_login, own)
    assert not policy.may_undo(site_login, own, [site_login.unit_id, demo_users["guoban"].unit_id])
    assert not policy.may_import(site_login) and not policy.may_see_progress(site_login)
    assert not policy.may_file_new(site_login) and not policy.may_check_workbook(site_login)
    assert not policy.may_reset_code(site_login, own)
    assert not scoring_services.may_inspect(site_login, own)
    assert not scoring_policy.may_report_upward(site_login)


def test_site_login_pages(client, demo_users):
    client.force_login(demo_users["1300000001"])
    assert client.get("/sites/review/").status_code == 403
    assert client.get("/sites/progress/").status_code == 403
    assert client.get("/sites/import/").status_code == 403


def test_site_accounts_are_issued_by_accounts_service_and_audited(demo_users):
    from sitecensus.accounts import services as account_services
    from sitecensus.audit.models import AuditEvent

    site = Website.objects.get(site_code="1306230002")
    before = AuditEvent.objects.filter(action="site_account_reset").count()
    account = account_services.issue_site_account(website=site, verification="ABCD2345", active=True,
                                                  actor=demo_users["laishui"])
    assert account.role == "site" and account.check_password("ABCD2345")
    assert AuditEvent.objects.filter(action="site_account_reset").count() == before + 1
    site.site_code, site.pk = "1306239999", None  # a new site's first login
    fresh = account_services.issue_site_account(website=site, verification="ABCD2345", active=True)
    assert fresh.username == "1306239999"
    assert AuditEvent.objects.filter(action="account_issued", object_id=str(fresh.pk)).exists()
