import time
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from sitecensus.accounts import roles, services
from sitecensus.accounts.models import User
from sitecensus.audit.models import AuditEvent
from sitecensus.portal.demo import DEMO_PASSWORD
from sitecensus.core.errors import InvalidInput, NotAllowed
from sitecensus.orgs.models import Unit

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def login(client, username, password):
    from sitecensus.accounts.testing import login as login_with_second_factor

    return login_with_second_factor(client, username, password)


def test_login_and_home_shows_unit_and_role(client):
    response = login(client, "hebei", DEMO_PASSWORD)
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert "河北省人民政府办公厅" in page and "组织单位操作员" in page
    assert AuditEvent.objects.filter(action="login", actor_username="hebei").exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get("/units/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_wrong_password_message_and_audit(client):
    response = login(client, "hebei", "wrong-password")
    assert response.status_code == 200
    assert "账号或密码不正确" in response.content.decode()
    assert AuditEvent.objects.filter(action="login_failed", actor_username="hebei", outcome="failure").exists()


def test_failures_ask_for_a_captcha_never_a_lock(client, settings):
    """A stranger's wrong passwords never lock the owner out: after failures the
    form asks for a captcha (checked before any password), nothing more."""
    settings.CAPTCHA_TEST_MODE = True
    for _ in range(3):
        assert login(client, "baoding", "wrong-password").status_code == 200
    page = login(client, "baoding", DEMO_PASSWORD).content.decode()
    assert "验证码" in page and "请正确填写验证码" in page  # the right password alone is not enough now
    response = client.post(LOGIN, {"username": "baoding", "password": DEMO_PASSWORD,
                                   "captcha_0": "x", "captcha_1": "PASSED"})
    assert response.status_code == 302  # the owner with the captcha gets in


def test_a_stranger_elsewhere_does_not_touch_the_owner_at_the_office(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    stranger = {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    for _ in range(4):
        client.post(LOGIN, {"username": "laishui", "password": "wrong"}, **stranger)
    # The pair (laishui, stranger) needs a captcha; the owner's office address does not.
    assert "captcha" in client.post(LOGIN, {"username": "laishui", "password": "wrong"}, **stranger).content.decode()
    office = client.post(LOGIN, {"username": "laishui", "password": DEMO_PASSWORD},
                         HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert office.status_code == 302


def test_per_address_rate_is_checked_before_any_hashing(client, settings, monkeypatch):
    from sitecensus.accounts import hashers

    settings.LOGIN_RATE_PER_ADDRESS = 5
    calls = []
    monkeypatch.setattr(hashers.BoundedArgon2PasswordHasher, "verify",
                        lambda self, password, encoded: calls.append(1) or False)
    for n in range(5):
        client.post(LOGIN, {"username": f"nobody{n}", "password": "x"})
    hashed = len(calls)
    response = client.post(LOGIN, {"username": "laishui_lsz", "password": "x"})
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert len(calls) == hashed  # refused without hashing
    assert AuditEvent.objects.filter(action="login_throttled").exists()


def test_old_password_check_is_throttled(client, demo_users):
    client.force_login(demo_users["laishui_lsz"])
    for _ in range(5):
        client.post("/accounts/password/", {"old_password": "wrong", "new_password": "Xx9!abcdefgh",
                                            "new_password2": "Xx9!abcdefgh"})
    page = client.post("/accounts/password/", {"old_password": DEMO_PASSWORD, "new_password": "Xx9!abcdefgh",
                                               "new_password2": "Xx9!abcdefgh"}).content.decode()
    assert "错误次数过多" in page
    assert User.objects.get(username="laishui_lsz").check_password(DEMO_PASSWORD)


def test_security_admin_lifts_the_captcha_requirement(client, demo_users):
    for _ in range(5):
        login(client, "laishui", "wrong-password")
    assert "captcha" in login(client, "laishui", DEMO_PASSWORD).content.decode()
    with pytest.raises(NotAllowed):
        services.unlock(actor=demo_users["baoding"], account=demo_users["laishui"])
    services.unlock(actor=demo_users["secadmin"], account=demo_users["laishui"])
    # From another address the username no longer asks for a captcha.
    office = client.post(LOGIN, {"username": "laishui", "password": DEMO_PASSWORD}, REMOTE_ADDR="198.51.100.7")
    assert office.status_code == 302
    assert AuditEvent.objects.filter(action="account_unlocked", actor_username="secadmin").exists()


def test_disabled_account_cannot_log_in(client, demo_users):
    services.set_active(actor=demo_users["laishui"], account=demo_users["laishui_lsz"], active=False)
    response = login(client, "laishui_lsz", DEMO_PASSWORD)
    assert response.status_code == 200
    assert "该账号已停用" in response.content.decode()


def test_disabling_ends_existing_sessions(client, demo_users):
    client.force_login(demo_users["laishui_lsz"])
    assert client.get("/").status_code == 200
    services.set_active(actor=demo_users["laishui"], account=demo_users["laishui_lsz"], active=False)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_first_login_forces_password_change(client, demo_users):
    laishui = demo_users["laishui"]
    _, account, password = services.create_unit_with_account(
        actor=laishui, parent=laishui.unit, name="涞水县统计局", kind="department", username="laishui_tjj")
    assert login(client, "laishui_tjj", password).status_code == 302
    response = client.get("/units/mine/")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert "首次登录或密码已被重置" in page
    response = client.post(reverse("accounts:password_change"), {
        "old_password": password, "new_password": "short", "new_password2": "short"})
    assert "密码太短" in response.content.decode()
    response = client.post(reverse("accounts:password_change"), {
        "old_password": password, "new_password": "Tongji#2026fast", "new_password2": "Tongji#2026fast"})
    assert response.status_code == 302
    assert client.get("/units/mine/").status_code == 302  # → its own unit page
    assert client.get(reverse("orgs:unit_detail", args=[account.unit_id])).status_code == 200
    account.refresh_from_db()
    assert not account.must_change_password


def test_initial_password_expires(client, demo_users, settings):
    laishui = demo_users["laishui"]
    _, account, password = services.create_unit_with_account(
        actor=laishui, parent=laishui.unit, name="涞水县统计局", kind="department", username="laishui_tjj")
    User.objects.filter(pk=account.pk).update(
        password_changed_at=timezone.now() - timedelta(days=settings.INITIAL_PASSWORD_DAYS + 1))
    response = login(client, "laishui_tjj", password)
    assert "初始密码已过期" in response.content.decode()


@pytest.mark.parametrize("password,message", [
    ("Ab1!", "密码太短"),
    ("alllowercaseletters", "至少 3 类"),
    ("Laishui_lsz2026", "不能与账号名"),
    ("涞水镇人民政府Ab1!x", "不能与账号名、单位名称"),
    ("Password123!", None),  # common? it has 4 classes and 12 chars: Django's list says yes
])
def test_password_rules(demo_users, password, message):
    user = demo_users["laishui_lsz"]
    if message is None:
        with pytest.raises(ValidationError, match="常见"):
            validate_password("password123", user)
        return
    with pytest.raises(ValidationError, match=message):
        validate_password(password, user)


def test_good_password_passes(demo_users):
    validate_password("Qiu#Feng2026mild", demo_users["laishui_lsz"])


def test_change_password_rejects_wrong_old(demo_users):
    with pytest.raises(InvalidInput, match="原密码不正确"):
        services.change_password(user=demo_users["hebei"], old_password="nope", new_password="Xx#12345678a",
                                 new_password2="Xx#12345678a")


def test_absolute_session_lifetime(client, demo_users, settings):
    client.force_login(demo_users["hebei"])
    assert client.get("/").status_code == 200
    session = client.session
    session["login_at"] = time.time() - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert AuditEvent.objects.filter(action="session_expired", actor_username="hebei").exists()


def test_idle_timeout_is_sliding_thirty_minutes_without_a_write_per_request(client, demo_users, settings):
    """The session's expiry slides, but it is written at most once a SESSION_TOUCH_SECONDS."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert settings.SESSION_COOKIE_AGE == 30 * 60 and not settings.SESSION_SAVE_EVERY_REQUEST
    client.force_login(demo_users["hebei"])
    client.get("/")  # the first touch
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200 and "sessionid" not in response.cookies
    assert not [q for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]
    session = client.session
    session["_touched"] = int(time.time()) - settings.SESSION_TOUCH_SECONDS - 1
    session.save()
    response = client.get("/")
    assert "sessionid" in response.cookies  # saved again: the idle timeout slides
    assert client.session.get_expiry_age() == 30 * 60


def test_no_superusers():
    with pytest.raises(NotAllowed) as refused:
        User.objects.create_superuser("root", password="Xx#12345678a")
    assert refused.value.code == "accounts.superuser" and "三员" in refused.value.message


def test_separated_roles_are_exclusive_by_construction(demo_users):
    """One role field: an account can never hold two of the three administrator roles."""
    assert {u.role for u in demo_users.values() if u.username in ("sysadmin", "secadmin", "auditadmin")} \
        == roles.SEPARATED_ADMIN_ROLES
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(username="sysadmin").update(role="system_admin+audit_admin")


def test_csrf_is_enforced(demo_users):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_users["laishui"])
    unit = Unit.objects.get(name="涞水县人民政府办公室")
    response = client.post(reverse("orgs:unit_create", args=[unit.pk]),
                           {"name": "无令牌单位", "kind": "department", "username": "no_token"})
    assert response.status_code == 403 and "CSRF" in response.content.decode()
    assert not Unit.objects.filter(name="无令牌单位").exists()


@pytest.mark.parametrize("weak", ["Password123!", "P@ssw0rd2024", "Qwerty123456!", "Iloveyou!2026"])
def test_dressed_up_common_passwords_are_refused(weak, demo_users):
    with pytest.raises(ValidationError, match="过于常见"):
        validate_password(weak, demo_users["laishui_lsz"])


def test_a_recent_password_cannot_come_back(demo_users):
    user = User.objects.get(username="laishui_lsz")
    first, second = "Kx7#mQ2vLp9z", "Rt4$wN8yBc3j"
    services.change_password(user=user, old_password=DEMO_PASSWORD, new_password=first, new_password2=first)
    services.change_password(user=user, old_password=first, new_password=second, new_password2=second)
    for previous in (DEMO_PASSWORD, first):
        with pytest.raises(InvalidInput, match="最近 5 次"):
            services.change_password(user=user, old_password=second, new_password=previous,
                                     new_password2=previous)


def test_many_failures_from_one_address_ask_that_address_for_a_captcha(client, settings):
    settings.LOGIN_CAPTCHA_AFTER_ADDRESS = 20
    for n in range(20):
        client.post(LOGIN, {"username": f"guess{n}", "password": "x"}, REMOTE_ADDR="203.0.113.50")
    page = client.post(LOGIN, {"username": "hebei", "password": DEMO_PASSWORD}, REMOTE_ADDR="203.0.113.50")
    assert page.status_code == 200 and "captcha" in page.content.decode()
    assert client.post(LOGIN, {"username": "hebei", "password": DEMO_PASSWORD},
                       REMOTE_ADDR="198.51.100.20").status_code == 302


def test_argon2_memory_is_bounded():
    from sitecensus import settings as production
    from sitecensus.accounts.hashers import BoundedArgon2PasswordHasher

    assert production.PASSWORD_HASHERS[0] == "sitecensus.accounts.hashers.BoundedArgon2PasswordHasher"
    assert BoundedArgon2PasswordHasher.memory_cost == 19 * 1024 and BoundedArgon2PasswordHasher.parallelism == 1
    assert production.ARGON2_MAX_CONCURRENT == 4
