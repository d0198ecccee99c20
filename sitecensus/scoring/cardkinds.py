"""The two kinds of scorecard the card pages serve — a website's (`Scorecard`, entries as rows) and a
new-media account's (`MediaScorecard`, entries as JSON) — behind one interface, so the card page, its
live preview, print view and PDF are one set of views and templates, parametrised by kind."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from . import panels, policy, selectors, services
from .models import MediaScorecard, Scorecard

S = Scorecard.Stage


@dataclass(frozen=True)
class Subject:
    """What a card scores, as the pages name it."""

    kind_label: str      # 网站 / 政务新媒体
    name: str
    code_label: str      # 网站标识码 / 登记编号
    code: str
    address_label: str   # 首页网址 / 公开页面网址
    address: str
    unit: str


class SiteCards:
    code = "site"
    url, preview_url, print_url, pdf_url = "scoring:card", "scoring:card_preview", "scoring:card_print", "scoring:card_pdf"

    def get(self, user, pk) -> Scorecard:
        return selectors.get_visible_scorecard(user, pk)

    def subject(self, card) -> Subject:
        site = card.website
        return Subject("网站", site.name, "网站标识码", site.site_code or "", "首页网址", site.homepage_url,
                       site.unit.name)

    def entries(self, card) -> dict:
        return selectors.entries_of(card)

    def deductions(self, card) -> dict:
        return {e.indicator: e.points for e in card.entries.all()} if card else {}

    def self_card(self, card):
        return selectors.card(card.website, S.SELF) if card.stage == S.INSPECTION else None

    def editable(self, user, card) -> bool:
        return not card.is_submitted and services.may_score(user, card)

    def save(self, *, actor, card, raw_entries, request):
        services.save_entries(actor=actor, card=card, raw_entries=raw_entries, request=request)

    def preview(self, card, raw_entries):
        return services.preview(card, raw_entries)

    def panels(self, card, rubric, editable: bool) -> dict:
        return panels.card_context(card, rubric, editable=editable)

    def may_rectify(self, user, card) -> bool:
        return card.is_submitted and card.stage != S.SELF and card.scorer_unit_id == user.unit_id

    def title(self, card) -> str:
        return f"政府网站{card.get_stage_display()}评分表"


class MediaCards(SiteCards):
    code = "media"
    url, preview_url = "scoring:media_card", "scoring:media_card_preview"
    print_url, pdf_url = "scoring:media_card_print", "scoring:media_card_pdf"

    def get(self, user, pk) -> MediaScorecard:
        return selectors.get_visible_media_card(user, pk)

    def subject(self, card) -> Subject:
        a = card.account
        return Subject("政务新媒体", f"{a.platform}“{a.name}”", "登记编号", a.media_code or "", "公开页面网址",
                       a.url, a.unit.name)

    def entries(self, card) -> dict:
        return {code: {k: v for k, v in e.items() if k != "points"} for code, e in (card.entries or {}).items()} \
            if card else {}

    def deductions(self, card) -> dict:
        return {code: e.get("points") for code, e in (card.entries or {}).items() if e.get("points") is not None} \
            if card else {}

    def self_card(self, card):
        return selectors.media_card(card.account, S.SELF) if card.stage == S.INSPECTION else None

    def editable(self, user, card) -> bool:
        return policy.may_fill_media(user, card)

    def save(self, *, actor, card, raw_entries, request):
        services.save_media_entries(actor=actor, card=card, raw_entries=raw_entries, request=request)

    def preview(self, card, raw_entries):
        return services.preview_media(card, raw_entries)

    def panels(self, card, rubric, editable: bool) -> dict:
        return {}  # the scanner's suggestions are made for websites' cards

    def may_rectify(self, user, card) -> bool:
        return False  # rectification notices are issued on websites

    def title(self, card) -> str:
        return f"政务新媒体{card.get_stage_display()}评分表"


KINDS = {k.code: k for k in (SiteCards(), MediaCards())}


def kind_of(card):
    return KINDS["media" if isinstance(card, MediaScorecard) else "site"]


def card_url(card) -> str:
    return reverse(kind_of(card).url, args=[card.pk])
