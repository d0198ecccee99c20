from django.conf import settings
from django.db import models


class FormDraft(models.Model):
    """What a user typed on one page's form and has not yet saved: kept on the server,
    per user and page, so that neither a closed tab nor an expired session loses it.

    ``origin`` says how it was kept: typed and saved by the page while typing
    (autosave), or posted after the session had expired (expired). The draft is
    removed when the page's form is saved (a successful POST) or the user discards it.
    """

    AUTOSAVE, EXPIRED = "autosave", "expired"
    ORIGINS = [(AUTOSAVE, "自动保存"), (EXPIRED, "登录超时时提交")]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="form_drafts",
                             verbose_name="用户")
    path = models.CharField("页面", max_length=300)
    action = models.CharField("提交地址", max_length=300, blank=True, default="")
    data = models.JSONField("内容", default=dict)
    origin = models.CharField("来源", max_length=10, choices=ORIGINS, default=AUTOSAVE)
    updated_at = models.DateTimeField("保存时间", auto_now=True)

    class Meta:
        verbose_name = "未保存的表单内容"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["user", "path"], name="form_draft_one_per_page")]

    def __str__(self):
        return f"{self.path}（{self.get_origin_display()}）"
