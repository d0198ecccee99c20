from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "sitecensus.public"
    label = "public"
    verbose_name = "普查专题"

    def ready(self):
        from captcha import views as captcha_views
        from django.core.signals import setting_changed

        # The captcha images belong to public forms: open them to anonymous visitors
        # (LoginRequiredMiddleware would otherwise redirect them to the login page).
        for view in (captcha_views.captcha_image, captcha_views.captcha_audio, captcha_views.captcha_refresh):
            view.login_required = False
        setting_changed.connect(_captcha_setting_changed, dispatch_uid="public_captcha_settings")


def _captcha_setting_changed(setting, value, **kwargs):
    """django-simple-captcha copies its settings at import; keep the copy in step
    when tests override them (CAPTCHA_TEST_MODE through the settings fixture)."""
    if setting.startswith("CAPTCHA_"):
        from captcha.conf import settings as captcha_settings

        if hasattr(captcha_settings, setting):
            setattr(captcha_settings, setting, value)
