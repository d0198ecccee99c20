"""The website record's filing and review as a declared lifecycle
(sitecensus/core/lifecycle.py): every refused transition a typed error with a stable
code and a Chinese message; the whole path writes one audit event per transition."""

import pytest

from sitecensus.audit.models import AuditEvent
from sitecensus.core import lifecycle
from sitecensus.core.lifecycle import TransitionRefused
from sitecensus.registry import services
from sitecensus.registry.models import Website

from .test_review import town_site

pytestmark = pytest.mark.django_db
S = Website.Status
ALL = ["submit", "request_change", "request_life_change", "approve_level", "approve_final", "return_filing",
       "return_change", "undo_approval"]
ALLOWED = {  # (status, coded) → the transitions the declarations allow
    (S.DRAFT, False): {"submit"},
    (S.SUBMITTED, False): {"approve_level", "approve_final", "return_filing", "undo_approval"},
    (S.RETURNED, False): {"submit"},
    (S.APPROVED, True): {"request_change", "request_life_change"},
    (S.SUBMITTED, True): {"approve_level", "approve_final", "return_change", "undo_approval"},
}


def assert_machine(site):
    site.refresh_from_db()
    allowed = ALLOWED[(site.status, bool(site.site_code))]
    for name in ALL:
        error = lifecycle.refusal(site, name)
        if name in allowed:
            assert error is None, (site.status, name)
        else:
            assert isinstance(error, TransitionRefused) and error.code.startswith(f"registry.website.{name}")
            assert any("\u4e00" <= ch <= "\u9fff" for ch in error.message), error.message


def test_every_state_refuses_what_it_does_not_declare(demo_users):
    u = demo_users
    site = town_site(u)
    assert_machine(site)
    services.submit(actor=u["laishui_lsz"], website=site)
    assert_machine(site)
    services.return_record(actor=u["laishui"], website=site, reason="栏目不全")
    assert_machine(site)
    services.submit(actor=u["laishui_lsz"], website=site)
    for level in ("laishui", "baoding", "hebei"):
        services.approve(actor=u[level], website=site)
    assert_machine(site)
    assert site.status == S.APPROVED and site.site_code
    services.request_life_change(actor=u["laishui_lsz"], website=site, life=Website.Life.CLOSED, reason="整合")
    assert_machine(site)
    with pytest.raises(AttributeError):
        site.status = S.APPROVED  # protected: only a transition changes it
    actions = list(AuditEvent.objects.filter(object_type="registry.website", object_id=str(site.pk))
                   .values_list("action", flat=True))
    assert actions.count("website_submitted") == 2 and actions.count("website_returned") == 1
    assert actions.count("website_approved") == 2 and actions.count("website_final_approved") == 1
    assert actions.count("website_life_requested") == 1


def test_a_refusal_names_the_state(demo_users):
    site = town_site(demo_users)
    with pytest.raises(TransitionRefused, match="当前状态为“草稿”，不能本级审核通过") as caught:
        lifecycle.fire(site, "approve_level", actor=demo_users["laishui"])
    assert caught.value.code == "registry.website.approve_level"
