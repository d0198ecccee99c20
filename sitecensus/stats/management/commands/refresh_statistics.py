import time

from django.core.management.base import BaseCommand

from sitecensus.stats.services import refresh_tallies


class Command(BaseCommand):
    help = "重建统计汇总表（可由定时任务每隔几分钟运行一次）"

    def handle(self, *args, **options):
        started = time.perf_counter()
        refresh_tallies(force=True)
        self.stdout.write(f"统计汇总表已重建，用时 {time.perf_counter() - started:.2f} 秒")
