"""API tokens for provincial platforms (only a hash is stored; the token acts with
its owner's scope, narrowed to its areas and read/write grants, until it expires),
idempotency keys of writes, and the change feed behind /api/events."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="所属账号", on_delete=models.PROTECT,
                              related_name="api_tokens")
    name = models.CharField("名称", max_length=100)
    prefix = models.CharField("前缀", max_length=12)  # shown in lists so a token can be recognised
    token_hash = models.CharField("令牌散列", max_length=64, unique=True)
    # Grants such as "registry:read", "scoring:write" (write implies read); see services.AREAS.
    scopes = models.JSONField("权限范围", default=list, blank=True)
    expires_at = models.DateTimeField("有效期至", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used = models.DateTimeField("最近使用", null=True, blank=True)
    last_used_ip = models.GenericIPAddressField("最近使用 IP", null=True, blank=True)
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

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class IdempotencyKey(models.Model):
    """The first successful response to a write sent with `Idempotency-Key`: a retry
    with the same key gets this response back and changes nothing."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)  # method, path and body of the first request
    status = models.PositiveSmallIntegerField(default=0)
    body = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="idempotency_unique_key")]


class Change(models.Model):
    """One change of a synced object (website, scorecard, rectification notice, report),
    written by signals whatever the path (UI, API, import, bulk writes); /api/events pages
    it by `seq`, the commit order."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=16)
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=16)  # created / updated
    unit_path = models.CharField(max_length=255)  # the owning unit's path: the scope filter
    website_id = models.BigIntegerField(null=True)
    # The event's number in commit order, set by the database when the writing transaction
    # commits (migration 0003): /api/events pages by it, so a late commit is never skipped.
    seq = models.BigIntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["unit_path", "id"], name="api_change_scope"),
                   models.Index(fields=["unit_path", "seq"], name="api_change_scope_seq"),
                   models.Index(fields=["seq"], name="api_change_seq")]  # `latest`
