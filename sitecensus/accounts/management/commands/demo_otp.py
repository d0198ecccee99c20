"""`sitecensus demo-otp`: the current code of the demo accounts' second factor
(the demo devices share one published key; real accounts enrol their own)."""

from django.core.management.base import BaseCommand

from sitecensus.accounts import otp


class Command(BaseCommand):
    help = "显示演示账号当前的动态口令（仅演示数据）"

    def handle(self, *args, **options):
        from base64 import b32encode

        secret = b32encode(bytes.fromhex(otp.DEMO_KEY_HEX)).decode()
        self.stdout.write(f"演示动态口令：{otp.demo_code()}（每 30 秒变化；也可在验证器应用中添加密钥 {secret}）")
