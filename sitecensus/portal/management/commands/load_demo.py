from base64 import b32encode

from django.core.management.base import BaseCommand, CommandError

from sitecensus.accounts import otp
from sitecensus.accounts import policy as accounts_policy
from sitecensus.core.errors import InvalidState
from sitecensus.portal.demo import DEMO_PASSWORD, demo_accounts, load_demo


class Command(BaseCommand):
    help = "加载演示数据：河北省 → 保定市 → 涞水县 及税务垂直管理系统，并为每种角色创建演示账号。"

    def handle(self, *args, **options):
        try:
            users = load_demo()
        except InvalidState as error:
            raise CommandError(str(error)) from None
        if users is None:
            self.stdout.write("演示数据已存在，没有变化。")
            users = demo_accounts()
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        for user in users:
            self.stdout.write(f"  {user.username:<16}{user.role_label:<10}{user.unit.name}")
        roles = "、".join(sorted({u.role_label for u in users if accounts_policy.needs_second_factor(u)}))
        secret = b32encode(bytes.fromhex(otp.DEMO_KEY_HEX)).decode()
        self.stdout.write(f"\n二次验证：{roles}账号输入密码后还须输入 6 位动态口令。演示账号共用一个演示密钥 {secret}"
                          f"（可添加到手机验证器应用），或随时运行 .venv/bin/sitecensus demo-otp 查看当前口令"
                          f"（现在是 {otp.demo_code()}，每 30 秒变化）。")
