"""The discovery queue (摸清底数): government websites nobody registered, each with every source that
named it and when, its homepage reading, its attribution and the organizing unit's decision; and
registered sites silent for six months, proposed for closure review."""

from django.conf import settings
from django.db import models

from sitecensus.core.lifecycle import FSMField, FSMModelMixin, condition, in_states, step
from sitecensus.orgs.models import Unit
from sitecensus.registry.models import Website

DECIDER = "候选网站所属的组织单位或其上级组织单位的账号（discovery.policy.may_decide）"


@condition("该候选不是未登记网站，不能作此处理")
def _new(candidate) -> bool:
    return candidate.kind == Candidate.Kind.NEW


@condition("只有长期无响应的已登记网站可以转关停审查或确认仍在运行")
def _silent(candidate) -> bool:
    return candidate.kind == Candidate.Kind.SILENT


@condition("请选择该网址所属的已登记网站")
def _linked(candidate) -> bool:
    return candidate.site_id is not None


class Candidate(FSMModelMixin, models.Model):
    class Kind(models.TextChoices):
        NEW = "new", "未登记网站"
        SILENT = "silent", "长期无响应的已登记网站"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "待处理"
        REGISTERED = "registered", "已登记"
        TO_REPORT = "to_report", "需报送"
        NOT_GOVERNMENT = "not_government", "非政府网站"
        COUNTERFEIT = "counterfeit", "假冒/仿冒"
        CLOSURE_REVIEW = "closure_review", "转关停审查"
        STILL_RUNNING = "still_running", "仍在运行"

    DECIDED = [Status.REGISTERED, Status.TO_REPORT, Status.NOT_GOVERNMENT, Status.COUNTERFEIT,
               Status.CLOSURE_REVIEW, Status.STILL_RUNNING]

    kind = models.CharField("类型", max_length=8, choices=Kind.choices, default=Kind.NEW)
    key = models.CharField("规范化域名", max_length=300)  # registry.formspec.identity.site_key's host part
    url = models.CharField("网址", max_length=500)
    status = FSMField("状态", max_length=16, choices=Status.choices, default=Status.PROPOSED, protected=True)
    is_proposed = in_states("status", Status.PROPOSED)
    organizer = models.ForeignKey(Unit, verbose_name="负责组织单位", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    attribution = models.CharField("归属依据类型", max_length=16, blank=True)
    attribution_reason = models.CharField("归属依据", max_length=300, blank=True)
    site = models.ForeignKey(Website, verbose_name="对应已登记网站", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    unit = models.ForeignKey(Unit, verbose_name="对应单位", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    evidence = models.JSONField("首页读取结果", default=dict, blank=True)
    evidence_digest = models.CharField("证据摘要", max_length=64, blank=True)
    decided_digest = models.CharField("处理时的证据摘要", max_length=64, blank=True)
    read_at = models.DateTimeField("读取时间", null=True, blank=True)
    first_seen = models.DateTimeField("首次发现", auto_now_add=True)
    last_seen = models.DateTimeField("最近发现", null=True, blank=True, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    # 已登记 with a host the site had not filed: the change request (registry.services.request_change) that
    # adds it as the site's 其他域名 through the review chain — its version number on `site`.
    change_version = models.PositiveIntegerField("新增其他域名的变更版本", null=True, blank=True)

    class Meta:
        verbose_name = "候选网站"
        verbose_name_plural = "候选网站"
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="discovery_candidate_key")]
        indexes = [models.Index(fields=["status", "id"], name="discovery_queue"),
                   models.Index(fields=["organizer", "status", "id"], name="discovery_queue_unit")]

    def __str__(self):
        return self.key

    # ------------------------------------------------------------ lifecycle (sitecensus/core/lifecycle.py)

    @step(source=Status.PROPOSED, target=Status.REGISTERED, label="已登记（关联已登记网站，作为其其他域名）",
          event="discovery_registered", who=DECIDER, conditions=[_new, _linked])
    def link_registered(self, **audit):
        """The address is a registered site's (its 其他域名)."""

    @step(source=Status.PROPOSED, target=Status.TO_REPORT, label="需报送（提醒填报单位报送）",
          event="discovery_report_required", who=DECIDER, conditions=[_new])
    def require_report(self, **audit):
        """A government website nobody filed: its unit is reminded and it counts in the progress."""

    @step(source=Status.PROPOSED, target=Status.NOT_GOVERNMENT, label="非政府网站", event="discovery_not_government",
          who=DECIDER, conditions=[_new])
    def not_government(self, **audit):
        """Not a government website (a system, a service page, another body's site)."""

    @step(source=Status.PROPOSED, target=Status.COUNTERFEIT, label="假冒/仿冒政府网站", event="discovery_counterfeit",
          who=DECIDER, conditions=[_new])
    def counterfeit(self, **audit):
        """Recorded and counted in the annual report (selectors.counterfeit_counts)."""

    @step(source=Status.PROPOSED, target=Status.CLOSURE_REVIEW, label="转关停审查", event="discovery_closure_review",
          who=DECIDER, conditions=[_silent])
    def refer_closure(self, **audit):
        """A registered site silent for six months goes to its unit's closure review."""

    @step(source=Status.PROPOSED, target=Status.STILL_RUNNING, label="确认仍在运行", event="discovery_still_running",
          who=DECIDER, conditions=[_silent])
    def still_running(self, **audit):
        """The site answers after all (another vantage point, a new address)."""

    @step(source=DECIDED, target=Status.PROPOSED, label="证据变化，重新提出", event="discovery_reopened",
          who="发现任务（处理后候选网站首页的证据有变化时）")
    def reopen(self, **audit):
        """A decided candidate is proposed again only when its evidence changed."""


class Source(models.Model):
    """One source naming a candidate: how, where, and when it first and last did."""

    class Kind(models.TextChoices):
        LINK = "link", "已登记网站的外链"
        REDIRECT = "redirect", "跳转目标"
        DNS = "dns", "常用主机名解析"
        IMPORT = "import", "组织单位导入的名单"
        HISTORY = "history", "扫描历史（长期无响应）"

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField("来源", max_length=8, choices=Kind.choices)
    detail = models.CharField("出处", max_length=500)
    first_seen = models.DateTimeField("首次")
    last_seen = models.DateTimeField("最近")
    imported_by = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "发现来源"
        verbose_name_plural = "发现来源"
        constraints = [models.UniqueConstraint(fields=["candidate", "kind", "detail"], name="discovery_source_once")]
