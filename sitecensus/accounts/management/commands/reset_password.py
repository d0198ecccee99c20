"""`sitecensus reset-password USERNAME [--reset-device] [--show]`: the server-side reset
(the emergency way for a 三员 or 国办 account). The one-time password is mailed to the
holder's own address; only for an account without one, and only with `--show`, is it
printed for the operator to hand over (audited as shown). The account changes it and
enrols its second factor at its next login."""

from django.core.management.base import BaseCommand, CommandError

from sitecensus.accounts import services
from sitecensus.core.errors import CensusError


class Command(BaseCommand):
    help = "服务器端重置账号密码（三员与国办账号的应急途径）：一次性密码发送至本人邮箱"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reset-device", action="store_true", help="同时重置二次验证设备")
        parser.add_argument("--show", action="store_true",
                            help="账号未登记邮箱时在此显示一次性密码（记入审计日志）")

    def handle(self, *args, **options):
        try:
            password = services.reset_password_on_server(username=options["username"],
                                                         reset_device=options["reset_device"],
                                                         show=options["show"])
        except CensusError as error:
            raise CommandError(error.message) from None
        if password:
            self.stdout.write(f"账号 {options['username']} 的一次性密码：{password}（首次登录后须修改）")
        else:
            self.stdout.write(f"账号 {options['username']} 的一次性密码已发送至本人邮箱（首次登录后须修改）")
