from django.core.management.base import BaseCommand

from sitecensus.orgs.services import load_divisions


class Command(BaseCommand):
    help = "加载全国行政区划（统计用区划代码，2023 版）。可重复执行。"

    def handle(self, *args, **options):
        result = load_divisions()
        if result.changed:
            self.stdout.write(f"行政区划已加载：新增 {result.created} 条，更新 {result.updated} 条，"
                              f"未变 {result.unchanged} 条。")
        else:
            self.stdout.write(f"行政区划已是最新（{result.unchanged} 条），没有变化。")
