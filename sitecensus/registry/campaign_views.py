"""Campaign administration pages: the national office creates campaigns and
later rounds; the system administrator adjusts the calendar only."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from sitecensus.core.errors import CensusError
from sitecensus.core.views import bind_error

from . import campaigns, policy
from sitecensus.campaigns import tables
from sitecensus.campaigns.models import Campaign

from .models import Phase

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _phase_fields(form: forms.Form, kinds, initial: dict) -> None:
    for kind in kinds:
        label = Phase.Kind(kind).label
        opens, closes = initial.get(kind, (None, None))
        form.fields[f"{kind}_opens"] = forms.DateField(label=f"{label} 开始", required=False, widget=DATE,
                                                       initial=opens)
        form.fields[f"{kind}_closes"] = forms.DateField(label=f"{label} 截止", required=False, widget=DATE,
                                                        initial=closes)


def _phases_from(form: forms.Form, kinds) -> dict:
    phases = {}
    for kind in kinds:
        opens, closes = form.cleaned_data.get(f"{kind}_opens"), form.cleaned_data.get(f"{kind}_closes")
        if opens or closes:
            phases[kind] = (opens, closes)
    return phases


class CampaignForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    name = forms.CharField(label="普查名称", max_length=100)
    rubric_code = forms.ChoiceField(label="评分表版本")
    activate = forms.BooleanField(label="设为当前普查", required=False, initial=False,
                                  help_text="不勾选则保存为草稿，不影响正在进行的普查；设为当前普查后，各阶段按所填日期把关报送")

    def __init__(self, *args, phases_initial=None, calendar_only=False, rubric_locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rubric_code"].choices = [(c, f"{c} · {tables.name(c)}") for c in tables.codes()]
        if rubric_locked:
            self.fields["rubric_code"].disabled = True
            self.fields["rubric_code"].help_text = "已有评分表按此版本填写，不能再更改"
        if calendar_only:
            for name in ("year", "name", "rubric_code", "activate"):
                self.fields[name].disabled = True
        _phase_fields(self, campaigns.CENSUS_KINDS, phases_initial or {})


class RoundForm(forms.Form):
    name = forms.CharField(label="轮次名称", max_length=100)

    def __init__(self, *args, phases_initial=None, **kwargs):
        super().__init__(*args, **kwargs)
        _phase_fields(self, campaigns.ROUND_KINDS, phases_initial or {})


def _check_view(user) -> None:
    if not campaigns.may_edit_calendar(user):
        raise policy.CAMPAIGN_CALENDAR.refuse("只有国办管理员或系统管理员可以管理普查日程")


def campaign_list(request):
    _check_view(request.user)
    items = Campaign.objects.filter(kind=Campaign.Kind.CENSUS).prefetch_related("phases", "rounds__phases")
    return render(request, "registry/campaign_list.html", {
        "campaigns": items.order_by("-is_active", "-year", "-id"), "may_create": campaigns.may_create(request.user),
        "today": timezone.localdate()})


def campaign_new(request):
    if not campaigns.may_create(request.user):
        raise policy.CAMPAIGN_CREATE.refuse()
    from django.conf import settings

    today = timezone.localdate()
    year = today.year
    form = CampaignForm(request.POST or None, phases_initial=campaigns.proposed_phases(today), initial={
        "year": year, "name": f"{year}年全国政府网站普查", "rubric_code": settings.SCORING_RUBRIC})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = campaigns.create_campaign(
                actor=request.user, year=data["year"], name=data["name"], rubric_code=data["rubric_code"],
                phases=_phases_from(form, campaigns.CENSUS_KINDS), activate=data["activate"],
                confirmed=request.POST.getlist("confirm"), request=request)
            messages.success(request, f"已创建“{campaign.name}”" + (
                "，并设为当前普查" if campaign.is_active else "（草稿，未设为当前普查，不影响正在进行的普查）"))
            return redirect("campaigns:list")
        except campaigns.NeedsConfirmation as error:
            return _confirm(request, form, error, "新建普查")
        except CensusError as error:
            bind_error(form, error)
    return render(request, "registry/campaign_form.html", {"form": form, "title": "新建普查", "new": True},
                  status=400 if request.method == "POST" else 200)


def _confirm(request, form, error, title, **extra):
    """Back at the form, each consequence named with its own confirmation box."""
    return render(request, "registry/campaign_form.html", {
        "form": form, "title": title, "consequences": error.consequences, **extra}, status=409)


def campaign_edit(request, pk):
    _check_view(request.user)
    campaign = get_object_or_404(Campaign, pk=pk)
    current = {p.kind: (p.opens_on, p.closes_on) for p in campaign.phases.all()}
    calendar_only = not campaigns.may_create(request.user)
    if campaign.kind == Campaign.Kind.ROUND:
        form = RoundForm(request.POST or None, phases_initial=current, initial={"name": campaign.name})
        if calendar_only:
            form.fields["name"].disabled = True
    else:
        form = CampaignForm(request.POST or None, phases_initial=current, calendar_only=calendar_only,
                            rubric_locked=campaigns.rubric_in_use(campaign), initial={
                                "year": campaign.year, "name": campaign.name, "rubric_code": campaign.rubric_code,
                                "activate": campaign.is_active})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kinds = campaigns.ROUND_KINDS if campaign.kind == Campaign.Kind.ROUND else campaigns.CENSUS_KINDS
        extra = {}
        if not calendar_only:
            extra["name"] = data["name"]
            if campaign.kind == Campaign.Kind.CENSUS:
                extra["rubric_code"] = data["rubric_code"]
                extra["activate"] = data["activate"]
        try:
            campaigns.update_campaign(actor=request.user, campaign=campaign, phases=_phases_from(form, kinds),
                                      confirmed=request.POST.getlist("confirm"), request=request, **extra)
            messages.success(request, f"已保存“{campaign.name}”的日程")
            return redirect("campaigns:list")
        except campaigns.NeedsConfirmation as error:
            return _confirm(request, form, error, f"调整日程：{campaign.name}", campaign=campaign)
        except CensusError as error:
            bind_error(form, error)
    return render(request, "registry/campaign_form.html", {"form": form, "campaign": campaign,
                                                           "title": f"调整日程：{campaign.name}"},
                  status=400 if request.method == "POST" else 200)


def round_new(request, pk):
    if not campaigns.may_create(request.user):
        raise policy.CAMPAIGN_CREATE.refuse("只有国办管理员可以安排抽查轮次")
    parent = get_object_or_404(Campaign, pk=pk, kind=Campaign.Kind.CENSUS)
    name, phases = campaigns.default_round(parent, timezone.localdate())
    form = RoundForm(request.POST or None, phases_initial=phases, initial={"name": name})
    if request.method == "POST" and form.is_valid():
        try:
            created = campaigns.create_round(actor=request.user, parent=parent, name=form.cleaned_data["name"],
                                             phases=_phases_from(form, campaigns.ROUND_KINDS), request=request)
            messages.success(request, f"已安排“{created.name}”")
            return redirect("campaigns:list")
        except CensusError as error:
            bind_error(form, error)
    return render(request, "registry/campaign_form.html", {"form": form, "title": f"新建抽查轮次：{parent.name}"},
                  status=400 if request.method == "POST" else 200)
