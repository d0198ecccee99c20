from django.core.management.base import BaseCommand, CommandError

from sitecensus.newmedia.selectors import live_accounts
from sitecensus.scanner.media import check_accounts


class Command(BaseCommand):
    help = "读取政务新媒体账号的公开页面（按登记编号，或 --all 检测全部在用账号）：最近发布日期与互动痕迹，附证据；读不到的为“无法判定”。"

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="政务新媒体登记编号")
        parser.add_argument("--all", action="store_true")

    def handle(self, *args, codes, all, **options):
        accounts = live_accounts()
        if not all:
            if not codes:
                raise CommandError("请给出登记编号，或使用 --all")
            accounts = accounts.filter(media_code__in=codes)
        readings = check_accounts(accounts.order_by("id").iterator(chunk_size=500))
        read = sum(1 for r in readings if r.verdict == "read")
        self.stdout.write(f"完成：{len(readings)} 个账号，读取 {read} 个，无法判定 {len(readings) - read} 个")
