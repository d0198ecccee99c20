"""The public census pages: news posts by the national office and problem
reports from the public (我为政府网站找错)."""

from django.conf import settings
from django.db import models

from sitecensus.core.lifecycle import FSMField, FSMModelMixin, in_states, step
from sitecensus.orgs.models import Unit
from sitecensus.registry.models import Website


class NewsPost(models.Model):
    """工作动态: plain text, always escaped on output."""

    title = models.CharField("标题", max_length=100)
    body = models.TextField("正文", max_length=20000)
    is_published = models.BooleanField("发布", default=False, db_index=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True, db_index=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="作者", on_delete=models.PROTECT,
                               related_name="+")
    unit = models.ForeignKey(Unit, verbose_name="发布单位", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")  # the national office, a province or a State Council department
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "工作动态"
        verbose_name_plural = "工作动态"
        ordering = ["-published_at", "-id"]

    def __str__(self):
        return self.title


HIGHER_OFFICE = "网站主管单位的上级组织单位或国办（public.policy.may_forward）"
RESPONSIBLE = "网站的填报单位（public.policy.may_answer）"


class PublicReport(FSMModelMixin, models.Model):
    """A problem the public found on a listed site (我为政府网站找错), routed to the site's unit:
    forwarded (转办) by a higher office, accepted, refused (不予受理) with a reason from the data
    list, handled offline (线下受理), answered; the public sees a text a higher office reviewed."""

    class Category(models.TextChoices):
        UNREACHABLE = "unreachable", "内容无法访问"
        STALE = "stale", "信息不更新"
        INACCURATE = "inaccurate", "内容不准确"
        NO_REPLY = "no_reply", "咨询留言不回复"
        TYPO = "typo", "错别字"
        FAKE = "fake", "虚假伪造内容"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        NEW = "new", "待处理"
        FORWARDED = "forwarded", "已转办"
        PROCESSING = "processing", "处理中"
        OFFLINE = "offline", "线下受理"
        REFUSED = "refused", "不予受理"
        DONE = "done", "已办结"

    CLOSED = (Status.DONE, Status.REFUSED)

    receipt = models.CharField("受理编号", max_length=32, unique=True)
    website = models.ForeignKey(Website, verbose_name="网站", on_delete=models.PROTECT, related_name="public_reports")
    # The unit that answers: the site's reporting unit when the report came in.
    unit = models.ForeignKey(Unit, verbose_name="办理单位", on_delete=models.PROTECT, related_name="public_reports")
    category = models.CharField("问题类型", max_length=16, choices=Category.choices)
    description = models.TextField("问题描述", max_length=1000)
    page_url = models.CharField("问题页面网址", max_length=500, blank=True)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True, db_index=True)
    deadline = models.DateField("答复期限", db_index=True)
    status = FSMField("状态", max_length=16, choices=Status.choices, default=Status.NEW, db_index=True,
                      protected=True)
    is_new = in_states("status", Status.NEW)
    is_offline = in_states("status", Status.OFFLINE)
    is_concluded = in_states("status", Status.DONE, Status.REFUSED)
    answer = models.TextField("答复", max_length=2000, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    forwarded_at = models.DateTimeField("转办时间", null=True, blank=True)
    forwarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="转办人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    forwarded_from = models.ForeignKey(Unit, verbose_name="转办单位", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    refusal_reason = models.CharField("不予受理理由", max_length=16, blank=True)  # a code of data/jiucuo.json
    refused_at = models.DateTimeField("不予受理时间", null=True, blank=True)
    offline_note = models.TextField("线下受理说明", max_length=1000, blank=True)
    # 曝光: the text the public reads, reviewed by a higher office (never the unit's own words unseen).
    public_text = models.TextField("公开答复（审核后）", max_length=2000, blank=True)
    public_reviewed_at = models.DateTimeField("审核公开时间", null=True, blank=True)
    public_reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+")

    class Meta:
        verbose_name = "网民找错"
        verbose_name_plural = "网民找错"
        indexes = [models.Index(fields=["ip", "created_at"])]

    def __str__(self):
        return self.receipt

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return self.status not in self.CLOSED and self.deadline < timezone.localdate()

    @property
    def refusal_label(self) -> str:
        from .jiucuo import refusal_label

        return refusal_label(self.refusal_reason)

    # ------------------------------------------------------------ lifecycle (sitecensus/core/lifecycle.py)

    @step(source=Status.NEW, target=Status.FORWARDED, label="转办", event="public_report_forwarded",
          who=HIGHER_OFFICE, refused="只有待处理的找错可以转办")
    def forward(self, *, actor, deadline, **audit):
        from django.utils import timezone

        self.forwarded_at, self.forwarded_by, self.forwarded_from = timezone.now(), actor, actor.unit
        self.deadline = deadline

    @step(source=[Status.NEW, Status.FORWARDED], target=Status.PROCESSING, label="受理",
          event="public_report_accepted", who=RESPONSIBLE, refused="该找错已受理、不予受理或已办结")
    def accept(self, **audit):
        """The unit takes the message in hand (an interim answer may follow)."""

    @step(source=[Status.NEW, Status.FORWARDED, Status.PROCESSING], target=Status.REFUSED, label="不予受理（须选择理由）",
          event="public_report_refused", who=RESPONSIBLE, refused="该找错已办结或已不予受理")
    def refuse(self, *, reason: str, **audit):
        from django.utils import timezone

        self.refusal_reason, self.refused_at = reason, timezone.now()

    @step(source=[Status.NEW, Status.FORWARDED, Status.PROCESSING], target=Status.OFFLINE, label="线下受理",
          event="public_report_offline", who=RESPONSIBLE, refused="该找错已线下受理、不予受理或已办结")
    def take_offline(self, *, note: str, **audit):
        self.offline_note = note

    @step(source=[Status.NEW, Status.FORWARDED, Status.PROCESSING, Status.OFFLINE], target=Status.DONE,
          label="答复办结", event="public_report_answered", who=RESPONSIBLE, refused="该找错已办结或已不予受理")
    def close(self, *, actor, **audit):
        from django.utils import timezone

        self.answered_at, self.answered_by = timezone.now(), actor
