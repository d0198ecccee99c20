"""`sitecensus reset-password USERNAME [--reset-device]`: the server-side reset
(whoever runs it has the server). Prints the one-time password for the operator
to hand over; the account must change it at its next login. Audited."""

from django.core.management.base import BaseCommand, CommandError

from sitecensus.accounts import services
from sitecensus.core.errors import CensusError


class Command(BaseCommand):
    help = "服务器端重置账号密码（三员与国办账号的应急途径），打印一次性密码"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reset-device", action="store_true", help="同时重置二次验证设备")

    def handle(self, *args, **options):
        try:
            password = services.reset_password_on_server(username=options["username"],
                                                         reset_device=options["reset_device"])
        except CensusError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"账号 {options['username']} 的一次性密码：{password}（首次登录后须修改）")
