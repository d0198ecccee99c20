"""三员分立 as 等保 means it, and the second factor (issue: the security
administrator reset 国办's and the other administrators' passwords, saw them on
screen and logged in as them; a password alone opened every privileged page)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import totp

from sitecensus.accounts import otp, roles, services
from sitecensus.accounts.models import PrivilegedReset, User
from sitecensus.accounts.testing import login, mailed_password
from django.core.management.base import CommandError
from sitecensus.audit.models import AuditEvent
from sitecensus.portal.demo import DEMO_PASSWORD
from sitecensus.core.errors import NotAllowed

pytestmark = pytest.mark.django_db
PRIVILEGED = ["guoban", "guoban_fh", "sysadmin", "secadmin", "auditadmin"]


@pytest.mark.parametrize("target", ["guoban", "sysadmin", "auditadmin"])
def test_security_admin_cannot_reset_or_disable_privileged_accounts(client, demo_users, target):
    secadmin, account = demo_users["secadmin"], demo_users[target]
    client.force_login(secadmin)
    before = User.objects.get(pk=account.pk).password
    response = client.post(f"/accounts/{account.pk}/reset/")
    assert response.status_code == 403 and before == User.objects.get(pk=account.pk).password
    assert "密码" not in response.content.decode().split("三员")[0][-20:]  # no password on screen
    assert client.post(f"/accounts/{account.pk}/active/", {"active": "0"}).status_code == 403
    assert User.objects.get(pk=account.pk).is_active
    with pytest.raises(NotAllowed):
        services.reset_password(actor=secadmin, account=account)
    with pytest.raises(NotAllowed):
        services.set_active(actor=secadmin, account=account, active=False)
    with pytest.raises(NotAllowed):
        services.reset_second_factor(actor=secadmin, account=account)


@pytest.mark.parametrize("actor", ["guoban", "sysadmin", "auditadmin"])
def test_no_administrator_acts_on_another_privileged_account(demo_users, actor):
    for target in PRIVILEGED:
        if target == actor:
            continue
        with pytest.raises(NotAllowed):
            services.reset_password(actor=demo_users[actor], account=demo_users[target])


def test_security_admin_still_manages_business_accounts(demo_users):
    where = services.reset_password(actor=demo_users["secadmin"], account=demo_users["laishui_lsz"])
    account = User.objects.get(username="laishui_lsz")
    password = mailed_password(account.email)
    assert password not in where and account.check_password(password)


def test_privileged_reset_needs_a_second_person_and_the_password_reaches_only_the_holder(client, demo_users):
    secadmin, guoban, fh = demo_users["secadmin"], demo_users["guoban"], demo_users["guoban_fh"]
    target = demo_users["auditadmin"]
    User.objects.filter(pk=target.pk).update(email="auditadmin@example.gov.cn")
    target.refresh_from_db()
    pending = services.request_privileged_reset(actor=secadmin, account=target, reason="离职交接")
    # The requester cannot approve; neither can another of the 三员.
    for actor in (secadmin, demo_users["sysadmin"], target):
        with pytest.raises(NotAllowed):
            services.decide_privileged_reset(actor=actor, pending_id=pending.pk, approve=True)
    assert User.objects.get(pk=target.pk).check_password(DEMO_PASSWORD)
    client.force_login(guoban)
    response = client.post(f"/accounts/privileged/{pending.pk}/decide/", {"decision": "approve"}, follow=True)
    page = response.content.decode()
    [message] = [m for m in mail.outbox if "auditadmin@example.gov.cn" in m.to]
    password = message.body.split("一次性初始密码：")[1].split()[0]
    assert password not in page  # the approver never sees it
    assert "a***@example.gov.cn" in page
    account = User.objects.get(pk=target.pk)
    assert account.check_password(password) and account.must_change_password
    assert PrivilegedReset.objects.get(pk=pending.pk).decided_by == guoban
    assert AuditEvent.objects.filter(action="privileged_reset_approved", actor_username="guoban").exists()
    assert fh  # a second national reviewer exists to approve resets of guoban



def test_server_command_resets_a_privileged_account(capsys, demo_users):
    User.objects.filter(username="sysadmin").update(email="")
    with pytest.raises(CommandError, match="--show"):  # without an address: only when asked to show it
        call_command("reset_password", "sysadmin", "--reset-device")
    call_command("reset_password", "sysadmin", "--reset-device", "--show")
    password = capsys.readouterr().out.split("一次性密码：")[1].split("（")[0]
    account = User.objects.get(username="sysadmin")
    assert account.check_password(password) and account.must_change_password and not otp.has_device(account)
    assert AuditEvent.objects.filter(action="password_reset", object_id=str(account.pk)).exists()


@pytest.mark.parametrize("username,page", [("auditadmin", "/audit/"), ("secadmin", "/accounts/security/"),
                                           ("guoban", "/units/"), ("sysadmin", "/campaigns/"),
                                           ("hebei", "/sites/")])
def test_a_password_alone_opens_no_privileged_page(client, username, page, time_machine):
    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    response = client.get(page)
    assert response.status_code == 302 and response["Location"] == "/accounts/otp/verify/"
    assert client.post("/accounts/otp/verify/", {"token": "000000"}).status_code == 400
    assert client.get(page)["Location"] == "/accounts/otp/verify/"
    # django-otp throttles the device for a second after a failure: the clock moves on instead of waiting.
    time_machine.move_to(timezone.now() + timedelta(seconds=2), tick=True)
    client.post("/accounts/otp/verify/", {"token": otp.demo_code_for(User.objects.get(username=username))})
    assert client.get(page).status_code == 200


def test_reporting_units_need_no_second_factor(client):
    login(client, "laishui_lsz", DEMO_PASSWORD)
    assert client.get("/sites/").status_code == 200


def test_first_login_enrols_a_device_with_recovery_codes(client, demo_users):
    account, _ = services.issue_account(actor=demo_users["hebei"], unit=demo_users["baoding"].unit,
                                        username="baoding_second", role=roles.ORGANIZER)
    account.set_password("Zq!9vLmw#42x")
    account.must_change_password = False
    account.save()
    client.post("/accounts/login/", {"username": "baoding_second", "password": "Zq!9vLmw#42x"})
    assert client.get("/sites/")["Location"] == "/accounts/otp/setup/"
    page = client.get("/accounts/otp/setup/").content.decode()
    assert "data:image/png;base64," in page
    secret = page.split('data-testid="otp-secret">')[1].split("<")[0]
    from base64 import b32decode

    response = client.post("/accounts/otp/setup/", {"token": f"{totp(b32decode(secret)):06d}"})
    codes = response.content.decode().split('data-testid="recovery-codes">')[1].split("</ul>")[0]
    codes = [c.split("</code>")[0] for c in codes.split("<code>")[1:]]
    assert len(codes) == 10 and client.get("/sites/").status_code == 200
    # Lost phone: a recovery code works once.
    client.logout()
    client.post("/accounts/login/", {"username": "baoding_second", "password": "Zq!9vLmw#42x"})
    client.post("/accounts/otp/verify/", {"token": codes[0]})
    assert client.get("/sites/").status_code == 200
    client.logout()
    client.post("/accounts/login/", {"username": "baoding_second", "password": "Zq!9vLmw#42x"})
    assert client.post("/accounts/otp/verify/", {"token": codes[0]}).status_code == 400
    # The organizing unit above resets the device (audited); the next login enrols anew.
    services.reset_second_factor(actor=demo_users["hebei"], account=account)
    assert not otp.has_device(account)
    assert AuditEvent.objects.filter(action="otp_reset", actor_username="hebei").exists()


def test_second_factor_roles_are_a_setting(client, settings):
    settings.OTP_REQUIRED_ROLES = {roles.AUDIT_ADMIN}
    client.post("/accounts/login/", {"username": "hebei", "password": DEMO_PASSWORD})
    assert client.get("/sites/").status_code == 200


@pytest.mark.parametrize("username", ["1306230006", "BM12340001", "bm00010002"])
def test_usernames_shaped_like_a_site_code_are_reserved(demo_users, username):
    from sitecensus.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="网站标识码"):
        services.issue_account(actor=demo_users["laishui"], unit=demo_users["laishui_lsz"].unit,
                               username=username)


def test_a_site_code_login_never_takes_over_a_personal_account(demo_users):
    from sitecensus.core.errors import InvalidState
    from sitecensus.registry import services as registry_services
    from sitecensus.registry.models import Website

    town = Website.objects.get(name="涞水镇人民政府网站")
    # A legacy personal account that already has the name the site's code login needs.
    victim = User.objects.get(username=town.site_code)
    User.objects.filter(pk=victim.pk).update(role=roles.REPORTER)
    with pytest.raises(InvalidState, match="已被其他账号占用"):
        registry_services.reset_verification_code(actor=demo_users["laishui"], website=town)
    assert User.objects.get(pk=victim.pk).role == roles.REPORTER


def test_first_login_of_a_new_organizer_changes_password_then_enrols(client, demo_users):
    account, password = services.issue_account(actor=demo_users["hebei"], unit=demo_users["baoding"].unit,
                                               username="baoding_third", role=roles.ORGANIZER)
    client.post("/accounts/login/", {"username": "baoding_third", "password": password})
    # No secret while the one-time password (which the issuer handled) is the password.
    assert client.get("/")["Location"] == "/accounts/password/"
    assert client.get("/accounts/otp/setup/")["Location"] == "/accounts/password/"
    assert not otp.TOTPDevice.objects.filter(user=account).exists()
    assert client.get("/accounts/password/").status_code == 200  # no redirect loop between the two steps
    client.post("/accounts/password/", {"old_password": password, "new_password": "Zq!9vLmw#42x",
                                        "new_password2": "Zq!9vLmw#42x"})
    assert client.get("/")["Location"] == "/accounts/otp/setup/"
    page = client.get("/accounts/otp/setup/")
    from base64 import b32decode

    secret = page.content.decode().split('data-testid="otp-secret">')[1].split("<")[0]
    client.post("/accounts/otp/setup/", {"token": f"{totp(b32decode(secret)):06d}"})
    assert client.get("/sites/").status_code == 200
