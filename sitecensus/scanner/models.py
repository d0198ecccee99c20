"""Scan history: every probe and every scan is kept as a time series per site
and per column (not only the latest state), and findings become suggested
scorecard entries that an inspector accepts or rejects."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from sitecensus.core.lifecycle import FSMField, FSMModelMixin, in_states, step

from sitecensus.registry.models import Website, WebsiteColumn
from sitecensus.scoring.models import Scorecard


RUNNER = "扫描任务本身（组织单位业务人员发起，或调度器按计划发起）"


class ScanRun(FSMModelMixin, models.Model):
    class Kind(models.TextChoices):
        PROBE = "probe", "可用性探测"
        SCAN = "scan", "全面扫描"

    class Status(models.TextChoices):
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    status = FSMField("状态", max_length=8, choices=Status.choices, default=Status.RUNNING, protected=True)
    is_running = in_states("status", Status.RUNNING)
    trigger = models.CharField("触发方式", max_length=16, default="manual")
    vantage = models.CharField("监测点", max_length=32, blank=True)
    total = models.PositiveIntegerField("网站数", default=0)
    done = models.PositiveIntegerField("已完成", default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "扫描任务"
        verbose_name_plural = "扫描任务"

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    # ------------------------------------------------------------ lifecycle (sitecensus/core/lifecycle.py)

    @step(source=Status.RUNNING, target=Status.DONE, label="完成扫描", event="scan_run_finished", who=RUNNER,
          refused="扫描任务已结束")
    def finish(self, **audit):
        self.finished_at = timezone.now()

    @step(source=Status.RUNNING, target=Status.FAILED, label="扫描失败", event="scan_run_failed", who=RUNNER,
          refused="扫描任务已结束")
    def fail(self, *, error: str, **audit):
        self.error, self.finished_at = error[:2000], timezone.now()

    @step(source=Status.RUNNING, target=Status.FAILED, label="中断的扫描标为失败，由新的扫描任务取代",
          event="scan_run_abandoned", who="下一个扫描任务开始时（运行超过 SCAN_RUN_MAX_SECONDS 的任务，其进程已中断）",
          refused="扫描任务已结束")
    def abandon(self, **audit):
        self.error, self.finished_at = "扫描进程已中断（长时间无结果），已由新的扫描任务取代", timezone.now()


class Probe(models.Model):
    """One availability probe of a homepage (≥ 20 a day per site)."""

    website = models.ForeignKey(Website, on_delete=models.CASCADE, related_name="probes")
    at = models.DateTimeField("时间")
    round = models.CharField("轮次", max_length=32, blank=True)
    vantage = models.CharField("监测点", max_length=32, blank=True)
    success = models.BooleanField("成功")
    latency_ms = models.PositiveIntegerField("耗时（毫秒）", null=True, blank=True)
    status = models.PositiveSmallIntegerField("状态码", null=True, blank=True)
    error = models.CharField("错误类型", max_length=32, blank=True)

    class Meta:
        verbose_name = "可用性探测"
        verbose_name_plural = "可用性探测"
        indexes = [models.Index(fields=["website", "at"])]


class SiteScan(models.Model):
    run = models.ForeignKey(ScanRun, null=True, on_delete=models.SET_NULL, related_name="site_scans")
    website = models.ForeignKey(Website, on_delete=models.CASCADE, related_name="scans")
    at = models.DateTimeField("扫描时间", db_index=True)
    as_of = models.DateField("判定日期")
    reachable = models.BooleanField("可访问", default=False)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=32, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    encoding = models.CharField(max_length=32, blank=True)
    latest_date = models.DateField("首页最新信息日期", null=True, blank=True)
    stale = models.BooleanField("首页不更新", null=True)
    site_id_code = models.CharField("页面标识码", max_length=16, blank=True)
    site_id_shown = models.BooleanField(default=False)
    icp = models.CharField(max_length=64, blank=True)
    https_ok = models.BooleanField(null=True)
    # IPv6 as the compliance scan found it (AAAA, homepage and lower pages over IPv6 with the same content);
    # None: not checked or 无法判定. The details and the other compliance items are in summary["compliance"].
    ipv6_ok = models.BooleanField("支持IPv6", null=True)
    dead_link_count = models.PositiveIntegerField("失效链接", default=0)
    links_checked = models.PositiveIntegerField(default=0)
    column_counts = models.JSONField(default=dict)
    vetoes = models.JSONField(default=list)
    summary = models.JSONField("扫描结果", default=dict)  # homepage, systems, interaction (lists kept small)

    class Meta:
        verbose_name = "网站扫描"
        verbose_name_plural = "网站扫描"
        indexes = [models.Index(fields=["website", "at"])]


class ColumnScan(models.Model):
    site_scan = models.ForeignKey(SiteScan, on_delete=models.CASCADE, related_name="columns")
    column = models.ForeignKey(WebsiteColumn, null=True, blank=True, on_delete=models.SET_NULL, related_name="scans")
    name = models.CharField(max_length=100)
    url = models.CharField(max_length=500)
    reachable = models.BooleanField(default=False)
    latest_date = models.DateField(null=True, blank=True)
    item_count = models.PositiveIntegerField(default=0)
    blank = models.BooleanField(default=False)
    stale = models.BooleanField(null=True)

    class Meta:
        indexes = [models.Index(fields=["column", "site_scan"])]


class DeadLink(models.Model):
    site_scan = models.ForeignKey(SiteScan, on_delete=models.CASCADE, related_name="dead_links")
    url = models.CharField(max_length=1000)
    found_on = models.CharField(max_length=1000)
    kind = models.CharField(max_length=16, blank=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=32, blank=True)


class Suggestion(models.Model):
    """A scanner finding offered as a scorecard entry; a person decides."""

    class Status(models.TextChoices):
        PENDING = "pending", "待确认"
        ACCEPTED = "accepted", "已采纳"
        REJECTED = "rejected", "未采纳"

    class Kind(models.TextChoices):
        SCORE = "score", "评分建议"
        COMPLIANCE = "compliance", "合规提示（不计分）"

    website = models.ForeignKey(Website, on_delete=models.CASCADE, related_name="suggestions")
    # A compliance finding (标识码, 标识, 找错, 备案, 域名, IPv6, 无障碍) is offered to self-check and inspection
    # with its evidence and never writes a score: `indicator` then holds the compliance item's code.
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.SCORE, db_index=True)
    site_scan = models.ForeignKey(SiteScan, null=True, on_delete=models.SET_NULL, related_name="suggestions")
    indicator = models.CharField("指标", max_length=16)
    rubric_code = models.CharField("评分表版本", max_length=16, blank=True, db_index=True)
    entry = models.JSONField("建议的评分内容")
    summary = models.CharField("依据", max_length=500)
    # What the finding rests on, shown beside accept/reject: page, element, date and where it came from.
    evidence = models.JSONField("证据", default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    is_pending = in_states("status", Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField("不采纳原因", max_length=300, blank=True)
    scorecard = models.ForeignKey(Scorecard, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "扫描建议"
        verbose_name_plural = "扫描建议"


HANDLER = "网站的组织单位及其上级组织单位的业务人员（scanner.policy.may_handle_flag）"


class RegistryFlagQuerySet(models.QuerySet):
    def unresolved(self):
        return self.exclude(status=RegistryFlag.Status.RESOLVED)


class RegistryFlag(FSMModelMixin, models.Model):
    """The registry disagreeing with the web, found by the daily reconciliation (scanner.reconcile)
    and shown to the site's organizing unit with its evidence — before any check fails the site."""

    class Kind(models.TextChoices):
        UNREACHABLE = "unreachable", "正常运行的网站在监测周内一直无法访问"
        CLOSED_SERVING = "closed_serving", "已关停（整合、迁移）的网站仍在提供内容"
        REDIRECTED = "redirected", "首页跳转到其他域名"

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        ACKNOWLEDGED = "acknowledged", "已知悉"
        RESOLVED = "resolved", "已处理"

    objects = RegistryFlagQuerySet.as_manager()

    website = models.ForeignKey(Website, on_delete=models.CASCADE, related_name="registry_flags")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    status = FSMField("状态", max_length=16, choices=Status.choices, default=Status.OPEN, protected=True,
                      db_index=True)
    is_open = in_states("status", Status.OPEN)
    is_resolved = in_states("status", Status.RESOLVED)
    first_seen = models.DateField("首次发现")
    last_seen = models.DateField("最近发现")
    summary = models.CharField("说明", max_length=300)
    evidence = models.JSONField("证据", default=dict)
    note = models.CharField("处理说明", max_length=300, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "登记与实际不符提示"
        verbose_name_plural = "登记与实际不符提示"
        indexes = [models.Index(fields=["website", "kind", "status"])]

    def __str__(self):
        return f"{self.website.name}：{self.get_kind_display()}"

    @step(source=Status.OPEN, target=Status.ACKNOWLEDGED, label="知悉（附说明）", event="registry_flag_acknowledged",
          who=HANDLER, refused="只有待处理的提示可以标为已知悉")
    def acknowledge(self, **audit):
        """Seen; being looked into."""

    @step(source=[Status.OPEN, Status.ACKNOWLEDGED], target=Status.RESOLVED, label="处理完毕（附说明）",
          event="registry_flag_resolved", who=HANDLER, refused="该提示已处理")
    def resolve(self, **audit):
        """Done (the registry corrected by a change request, the site fixed, or explained)."""
