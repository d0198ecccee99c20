from datetime import date

from django.core.management.base import BaseCommand, CommandError

from sitecensus.core.errors import CensusError
from sitecensus.spotcheck.services import open_due_rounds


class Command(BaseCommand):
    help = "按各抽查计划生成本期尚未生成的抽查轮次并抽样（每天运行一次即可，如用 cron）"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按哪一天所在的周期生成（年-月-日，默认今天）")

    def handle(self, *args, **options):
        try:
            day = date.fromisoformat(options["date"]) if options.get("date") else None
        except ValueError:
            raise CommandError(f"日期“{options['date']}”格式不对，应为 年-月-日") from None
        try:
            made = open_due_rounds(day)
        except CensusError as error:
            raise CommandError(error.message) from None
        for batch in made:
            self.stdout.write(f"已生成：{batch.name}（{batch.sites.count()} 个网站，随机种子 {batch.seed}）")
        if not made:
            self.stdout.write("各抽查计划本期轮次均已生成")
