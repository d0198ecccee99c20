from captcha.fields import CaptchaField
from django import forms

from .models import PublicReport
from .services import (
    ANSWER_MAX,
    BODY_MAX,
    CONTACT_MAX,
    DESCRIPTION_MAX,
    PAGE_URL_MAX,
    TITLE_MAX,
)


def _too_long(label, limit):
    return {"max_length": f"{label}不能超过 {limit} 字", "required": f"请填写{label}"}


class ReportForm(forms.Form):
    category = forms.ChoiceField(label="问题类型", choices=[("", "请选择")] + PublicReport.Category.choices,
                                 error_messages={"required": "请选择问题类型", "invalid_choice": "请选择问题类型"})
    page_url = forms.CharField(label="问题页面网址", required=False, max_length=PAGE_URL_MAX,
                               error_messages=_too_long("问题页面网址", PAGE_URL_MAX),
                               widget=forms.TextInput(attrs={"placeholder": "http://", "size": 60}))
    description = forms.CharField(label="问题描述", max_length=DESCRIPTION_MAX,
                                  error_messages=_too_long("问题描述", DESCRIPTION_MAX),
                                  help_text=f"不超过 {DESCRIPTION_MAX} 字",
                                  widget=forms.Textarea(attrs={"rows": 6, "cols": 60}))
    contact = forms.CharField(label="联系方式（选填）", required=False, max_length=CONTACT_MAX,
                              error_messages=_too_long("联系方式", CONTACT_MAX),
                              help_text="仅用于办理单位联系您，不公开")
    captcha = CaptchaField(label="验证码", error_messages={"invalid": "验证码错误，请重新输入",
                                                           "required": "请输入验证码"})


class LookupForm(forms.Form):
    receipt = forms.CharField(label="受理编号", max_length=32, error_messages={"required": "请输入受理编号"})


class AnswerForm(forms.Form):
    status = forms.ChoiceField(label="办理状态", choices=[("processing", "处理中"), ("done", "已办结")])
    answer = forms.CharField(label="答复内容", max_length=ANSWER_MAX, error_messages=_too_long("答复内容", ANSWER_MAX),
                             widget=forms.Textarea(attrs={"rows": 5, "cols": 60}))


class NewsForm(forms.Form):
    title = forms.CharField(label="标题", max_length=TITLE_MAX, error_messages=_too_long("标题", TITLE_MAX),
                            widget=forms.TextInput(attrs={"size": 60}))
    body = forms.CharField(label="正文（纯文本）", max_length=BODY_MAX, error_messages=_too_long("正文", BODY_MAX),
                           widget=forms.Textarea(attrs={"rows": 14, "cols": 80}))
    publish = forms.BooleanField(label="发布", required=False)
