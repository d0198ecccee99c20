"""API tokens for provincial platforms: only a hash is stored; the token acts
with exactly its owner's scope."""

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="所属账号", on_delete=models.PROTECT,
                              related_name="api_tokens")
    name = models.CharField("名称", max_length=100)
    prefix = models.CharField("前缀", max_length=12)  # shown in lists so a token can be recognised
    token_hash = models.CharField("令牌散列", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
