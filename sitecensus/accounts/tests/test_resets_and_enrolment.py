"""等保 round two: no account acts as another (a security administrator reset a second
organizer account of the Hebei office, saw its password, enrolled its own device and
signed off a result as a second person), and a second factor only its holder can enrol
(the secret lived until confirmed and was shown on every visit)."""

from base64 import b32decode
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sitecensus.accounts import otp, policy, roles, services
from sitecensus.accounts.models import User
from sitecensus.accounts.testing import login, mailed_password
from sitecensus.audit.models import AuditEvent
from sitecensus.core.errors import NotAllowed
from sitecensus.portal.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Zq!9vLmw#42x"


def _second_hebei_organizer(demo_users, email=""):
    """A second account of the Hebei provincial office, issued (as in the census) by the
    national office directly above it."""
    account, _ = services.issue_account(actor=demo_users["guoban"], unit=demo_users["hebei"].unit,
                                        username="hebei_second", email=email, role=roles.ORGANIZER)
    return account


def test_security_admin_reset_shows_nothing_and_the_issuing_unit_hands_the_password_over(client, demo_users):
    account = _second_hebei_organizer(demo_users)  # no e-mail address
    client.force_login(demo_users["secadmin"])
    response = client.post(f"/accounts/{account.pk}/reset/", follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "账号交接表" in page and "国务院办公厅" in page
    assert not mail.outbox
    account.refresh_from_db()
    assert account.must_change_password and account.reset_by == demo_users["secadmin"]
    assert not account.check_password(DEMO_PASSWORD)
    # Nothing the resetter saw opens the account; the issuing unit's hand-over sheet makes the password.
    rows = services.handover_rows(actor=demo_users["guoban"])
    [row] = [r for r in rows if r[2] == "hebei_second"]
    account.refresh_from_db()
    assert row[3] and row[3] not in page and account.check_password(row[3])
    assert account.reset_by == demo_users["guoban"]  # whoever held the one-time password last
    event = AuditEvent.objects.filter(action="password_reset", object_id=str(account.pk)).latest("id")
    assert event.actor_username == "secadmin" and event.details["delivery"] == "handover"


def test_reset_with_an_address_mails_the_holder_only(client, demo_users):
    account = _second_hebei_organizer(demo_users, email="second@hebei.gov.cn")
    client.force_login(demo_users["secadmin"])
    page = client.post(f"/accounts/{account.pk}/reset/", follow=True).content.decode()
    password = mailed_password("second@hebei.gov.cn")
    assert password not in page and "s***@hebei.gov.cn" in page
    assert [m.to for m in mail.outbox] == [["second@hebei.gov.cn"]]


def test_a_reset_ends_sessions_and_api_tokens(client, demo_users):
    from sitecensus.api import services as api_services
    from sitecensus.api.services import TokenInvalid

    holder = User.objects.get(username="laishui_lsz")
    login(client, "laishui_lsz", DEMO_PASSWORD)
    assert client.get("/sites/").status_code == 200
    _, raw = api_services.create_token(actor=holder, name="省级平台")
    assert api_services.authenticate(raw).pk == holder.pk
    services.reset_password(actor=demo_users["laishui"], account=holder)
    assert client.get("/sites/")["Location"].startswith("/accounts/login/")
    with pytest.raises(TokenInvalid):
        api_services.authenticate(raw)
    assert AuditEvent.objects.filter(action="api_token_revoked", object_id=str(holder.pk)).exists()


def test_a_second_factor_reset_ends_sessions_and_tokens_too(client, demo_users):
    from sitecensus.api import services as api_services
    from sitecensus.api.services import TokenInvalid

    hebei = demo_users["hebei"]
    login(client, "hebei", DEMO_PASSWORD)
    assert client.get("/sites/").status_code == 200
    _, raw = api_services.create_token(actor=hebei, name="省级平台")
    services.reset_second_factor(actor=demo_users["secadmin"], account=hebei)
    # The old verified session cannot enrol a new device: it is gone.
    assert client.get("/accounts/otp/setup/")["Location"].startswith("/accounts/login/")
    with pytest.raises(TokenInvalid):
        api_services.authenticate(raw)


def test_resetter_is_never_the_other_party_of_a_two_person_step(demo_users):
    from sitecensus.scoring import services as scoring
    from sitecensus.spotcheck import services as spot

    guoban, second = demo_users["guoban"], demo_users["guoban_fh"]
    today = date.today()
    batch = spot.create_batch(actor=guoban, name="两人", strata_by=[], ratio="100",
                              window_start=today - timedelta(days=7), window_end=today)
    batch = spot.draw(actor=guoban, batch=batch)
    spot.start(actor=guoban, batch=batch)
    first, other = list(batch.sites.all())[:2]
    for bsite in (first, other):
        scoring.submit_card(actor=guoban, card=spot.review_card(actor=guoban, bsite=bsite),
                            raw_entries={"A2": {"count": 1}})
    # The reviewer once reset the second reviewer's account: it may have been acting as it.
    User.objects.filter(pk=second.pk).update(reset_by=guoban, reset_at=timezone.now())
    second.refresh_from_db()
    with pytest.raises(NotAllowed) as refused:
        spot.sign_off(actor=second, bsite=first)
    assert refused.value.code == "spotcheck.second_person"
    assert not policy.distinct_persons(second, guoban) and not policy.distinct_persons(guoban, second)
    # And the other way round: the second person once reset the reviewer.
    User.objects.filter(pk=second.pk).update(reset_by=None)
    User.objects.filter(pk=guoban.pk).update(reset_by=second)
    second.refresh_from_db()
    with pytest.raises(NotAllowed):
        spot.sign_off(actor=second, bsite=first)
    User.objects.filter(pk=guoban.pk).update(reset_by=None)
    spot.sign_off(actor=User.objects.get(pk=second.pk), bsite=other)
    event = AuditEvent.objects.filter(action="spotcheck_signed").latest("id")
    assert event.actor_username == "guoban_fh"  # both persons recorded
    assert event.details["reviewer"] == "guoban" and event.details["signed_by"] == "guoban_fh"


def test_privileged_approval_refuses_an_approver_the_requester_reset(demo_users):
    secadmin, guoban, fh = demo_users["secadmin"], demo_users["guoban"], demo_users["guoban_fh"]
    User.objects.filter(username__in=["guoban", "sysadmin"]).update(email="x@example.gov.cn")
    first = services.request_privileged_reset(actor=secadmin, account=User.objects.get(username="guoban"),
                                              reason="离职交接")
    services.decide_privileged_reset(actor=fh, pending_id=first.pk, approve=True)
    guoban.refresh_from_db()
    assert guoban.reset_by == secadmin
    pending = services.request_privileged_reset(actor=secadmin, account=User.objects.get(username="sysadmin"),
                                                reason="遗失")
    with pytest.raises(NotAllowed):  # guoban's password was last reset at secadmin's request
        services.decide_privileged_reset(actor=guoban, pending_id=pending.pk, approve=True)
    services.decide_privileged_reset(actor=fh, pending_id=pending.pk, approve=True)
    event = AuditEvent.objects.filter(action="privileged_reset_approved").latest("id")
    assert event.details["requested_by"] == "secadmin" and event.details["approved_by"] == "guoban_fh"


# ------------------------------------------------------------ enrolment only the holder finishes

def _fresh_organizer(client, demo_users, username="baoding_fresh"):
    account, password = services.issue_account(actor=demo_users["hebei"], unit=demo_users["baoding"].unit,
                                               username=username, role=roles.ORGANIZER)
    client.post("/accounts/login/", {"username": username, "password": password})
    return account, password


def _secret(response) -> str:
    return response.content.decode().split('data-testid="otp-secret">')[1].split("<")[0]


def test_no_secret_exists_before_the_initial_password_is_replaced(client, demo_users):
    account, password = _fresh_organizer(client, demo_users)
    for _ in range(2):
        assert client.get("/accounts/otp/setup/")["Location"] == "/accounts/password/"
        assert client.post("/accounts/otp/setup/", {"token": "123456"})["Location"] == "/accounts/password/"
    assert not TOTPDevice.objects.filter(user=account).exists()


def test_secret_is_shown_once_and_expires(client, demo_users, settings):
    account, password = _fresh_organizer(client, demo_users)
    client.post("/accounts/password/", {"old_password": password, "new_password": NEW_PASSWORD,
                                        "new_password2": NEW_PASSWORD})
    first = _secret(client.get("/accounts/otp/setup/"))
    second = _secret(client.get("/accounts/otp/setup/"))  # another visit: a new secret, the old one is gone
    assert first != second and TOTPDevice.objects.filter(user=account).count() == 1
    response = client.post("/accounts/otp/setup/", {"token": f"{totp(b32decode(first)):06d}"})
    assert response.status_code == 400 and not otp.has_device(account)
    assert 'data-testid="otp-secret"' not in response.content.decode()  # a failed try shows no secret
    # Not confirmed within OTP_ENROL_MINUTES: expired.
    TOTPDevice.objects.filter(user=account).update(
        created_at=timezone.now() - timedelta(minutes=settings.OTP_ENROL_MINUTES + 1))
    response = client.post("/accounts/otp/setup/", {"token": f"{totp(b32decode(second)):06d}"})
    assert response.status_code == 400 and "失效" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=account).exists()
    third = _secret(client.get("/accounts/otp/setup/"))
    client.post("/accounts/otp/setup/", {"token": f"{totp(b32decode(third)):06d}"})
    assert otp.has_device(account)


def test_a_secret_shown_in_another_session_cannot_be_confirmed(client, demo_users):
    from django.test import Client

    account, password = _fresh_organizer(client, demo_users)
    client.post("/accounts/password/", {"old_password": password, "new_password": NEW_PASSWORD,
                                        "new_password2": NEW_PASSWORD})
    other = Client()
    other.post("/accounts/login/", {"username": account.username, "password": NEW_PASSWORD})
    mine = _secret(client.get("/accounts/otp/setup/"))
    assert other.post("/accounts/otp/setup/", {"token": f"{totp(b32decode(mine)):06d}"}).status_code == 400
    assert not otp.has_device(account)


def test_changing_the_authenticator_needs_the_current_code(client, demo_users):
    hebei = demo_users["hebei"]
    login(client, "hebei", DEMO_PASSWORD)
    before = TOTPDevice.objects.get(user=hebei, confirmed=True).pk
    page = client.get("/accounts/otp/setup/")
    assert 'data-testid="otp-current-form"' in page.content.decode()
    assert 'data-testid="otp-secret"' not in page.content.decode()
    # A verified session alone cannot swap: a token for a new device is not even looked at.
    client.post("/accounts/otp/setup/", {"token": "123456"})
    assert client.post("/accounts/otp/setup/", {"current": "000000"}).status_code == 400
    assert TOTPDevice.objects.get(user=hebei, confirmed=True).pk == before
    assert not TOTPDevice.objects.filter(user=hebei, confirmed=False).exists()
    response = client.post("/accounts/otp/setup/", {"current": otp.demo_code_for(hebei)})
    secret = _secret(response)
    client.post("/accounts/otp/setup/", {"token": f"{totp(b32decode(secret)):06d}"})
    assert TOTPDevice.objects.get(user=hebei, confirmed=True).pk != before


def test_session_key_rotates_at_login_and_at_the_second_factor(client, demo_users):
    from django.conf import settings as django_settings
    from django.test import Client

    client.get("/accounts/login/")
    session = client.session
    session["probe"] = 1
    session.save()
    anonymous_key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    client.post("/accounts/login/", {"username": "hebei", "password": DEMO_PASSWORD})
    password_only = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert password_only != anonymous_key
    client.post("/accounts/otp/verify/", {"token": otp.demo_code_for(demo_users["hebei"])})
    verified = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert verified != password_only and client.get("/sites/").status_code == 200
    # A copy of the password-only cookie did not become fully logged in.
    thief = Client()
    thief.cookies[django_settings.SESSION_COOKIE_NAME] = password_only
    assert thief.get("/sites/").status_code == 302


def test_a_password_holder_cannot_keep_the_owners_authenticator_throttled(demo_users, settings):
    from django.test import Client

    hebei = demo_users["hebei"]
    owner, stranger = Client(REMOTE_ADDR="10.1.1.1"), Client(REMOTE_ADDR="10.9.9.9")
    login(owner, "hebei", DEMO_PASSWORD)  # the owner has passed the second factor at the office before
    owner.logout()
    stranger.post("/accounts/login/", {"username": "hebei", "password": DEMO_PASSWORD})
    for _ in range(settings.OTP_FAILURES_PER_ACCOUNT + 5):
        assert stranger.post("/accounts/otp/verify/", {"token": "000000"}).status_code == 400
    # The stranger is stopped (even the right code is not looked at from there) …
    assert stranger.post("/accounts/otp/verify/", {"token": otp.demo_code_for(hebei)}).status_code == 400
    # … while the owner, at the office, passes at once.
    owner.post("/accounts/login/", {"username": "hebei", "password": DEMO_PASSWORD})
    assert owner.post("/accounts/otp/verify/", {"token": otp.demo_code_for(hebei)}).status_code == 302
    assert owner.get("/sites/").status_code == 200
