"""Campaigns: a census and its spot-check rounds, below registry and scoring (their phases,
deadlines and window exceptions are registry's; cards, reports and batches point here).
The table is still `registry_campaign` (moved by state only: no data moved)."""

from django.db import models


class Campaign(models.Model):
    """A census campaign with phases and dates (deadlines are data, not code)."""

    class Kind(models.TextChoices):
        CENSUS = "census", "普查"
        ROUND = "round", "抽查轮次"

    name = models.CharField("普查名称", max_length=100, unique=True)
    is_active = models.BooleanField("当前普查", default=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.CENSUS)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    rubric_code = models.CharField("评分表版本", max_length=16, blank=True)
    parent = models.ForeignKey("self", verbose_name="所属普查", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="rounds")
    created_at = models.DateTimeField("创建时间", null=True, blank=True, auto_now_add=True)

    class Meta:
        db_table = "registry_campaign"
        verbose_name = "普查"
        verbose_name_plural = "普查"

    def __str__(self):
        return self.name
