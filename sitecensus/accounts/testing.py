"""Test helpers: a real password login followed by the real second-factor page."""

from .models import User
from . import otp

LOGIN = "/accounts/login/"


def login(client, username, password, *, second_factor=True):
    response = client.post(LOGIN, {"username": username, "password": password})
    if second_factor and response.status_code == 302 and otp.required_for(User.objects.get(username=username)):
        user = User.objects.get(username=username)
        if otp.has_device(user):
            client.post("/accounts/otp/verify/", {"token": otp.demo_code_for(user)})
    return response


def mailed_password(email: str) -> str:
    """The one-time password of the last reset mailed to `email` (tests read the outbox)."""
    from django.core import mail

    [message] = [m for m in mail.outbox if email in m.to][-1:]
    return message.body.split("一次性初始密码：")[1].split()[0]
