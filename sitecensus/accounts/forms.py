from django import forms
from django.contrib.auth.forms import AuthenticationForm

from sitecensus.orgs.models import Unit

from . import services


class LoginForm(AuthenticationForm):
    """Login; asks for a captcha too once failures pile up for this account or
    address (accounts/throttle.py), and then checks it before any password."""

    error_messages = {
        "invalid_login": "账号或密码不正确。多次失败后登录须填写验证码。",
        "inactive": "该账号已停用，请联系上级组织单位。",
        "expired": "初始密码已过期，请联系上级组织单位重置密码。",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "账号"
        self.fields["password"].label = "密码"
        from . import throttle

        username = (self.data.get("username") or "").strip() if self.is_bound else ""
        if request is not None and username and throttle.captcha_required(request, username):
            from captcha.fields import CaptchaField

            self.fields["captcha"] = CaptchaField(label="验证码", error_messages={
                "invalid": "验证码错误，请重新输入", "required": "登录失败次数较多，请填写验证码"})

    def clean(self):
        if "captcha" in self.fields and ("captcha" in self.errors or "captcha" not in self.cleaned_data):
            # No password is checked (nor hashed) without the captcha.
            raise forms.ValidationError("登录失败次数较多，请正确填写验证码后再登录", code="captcha")
        try:
            return super().clean()
        except forms.ValidationError:
            from . import throttle

            if self.cleaned_data.get("username"):
                throttle.failed(self.request, self.cleaned_data["username"])
            raise

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if services.initial_password_expired(user):
            raise forms.ValidationError(self.error_messages["expired"], code="expired")


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="原密码", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password = forms.CharField(label="新密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    new_password2 = forms.CharField(label="确认新密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class UnitWithAccountForm(forms.Form):
    """A unit one level down and its first account."""

    name = forms.CharField(label="单位名称", max_length=200)
    kind = forms.ChoiceField(label="单位类型")
    division_code = forms.CharField(label="行政区划代码", max_length=9, required=False,
                                    help_text="地方政府办公厅（室）与乡镇人民政府必填，如 130623")
    org_code = forms.CharField(label="组织单位代码", max_length=6, required=False,
                               help_text="国务院部门填 bm 加 4 位数字；留空则自动分配")
    vertical_system_name = forms.CharField(label="垂直管理系统名称", max_length=100, required=False,
                                           help_text="仅实行垂直管理的国务院部门填写，如 税务系统")
    username = forms.CharField(label="账号", max_length=150)
    full_name = forms.CharField(label="联系人", max_length=150, required=False)
    email = forms.CharField(label="电子邮箱", max_length=254, required=False)
    phone = forms.CharField(label="联系电话", max_length=32, required=False)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Unit.Kind.choices)
        # The model's order (stable across processes; a set's order is not), nothing preselected.
        order = list(labels)
        self.fields["kind"].choices = [("", "请选择单位类型")] + [(k, labels[k]) for k in sorted(kinds, key=order.index)]


class AccountForm(forms.Form):
    username = forms.CharField(label="账号", max_length=150)
    full_name = forms.CharField(label="联系人", max_length=150, required=False)
    email = forms.CharField(label="电子邮箱", max_length=254, required=False)
    phone = forms.CharField(label="联系电话", max_length=32, required=False)
