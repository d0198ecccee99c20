from django.core.management.base import BaseCommand

from sitecensus.scanner.scheduler import Scheduler, run_forever

__all__ = ["Command", "Scheduler"]


class Command(BaseCommand):
    help = ("运行扫描计划：每个网站每天按设定次数（默认 24 次）错峰探测首页可用性（错过的时段逐一补测），"
            "每天全面扫描一次，并按时重建统计汇总表。未配置消息队列时在本进程内执行（嵌入模式：扫描在单独线程中，"
            "不耽误探测）；配置 CELERY_BROKER_URL 后，探测发往每个监测点的队列，扫描发往扫描队列（也可用 celery beat）。")

    def add_arguments(self, parser):
        parser.add_argument("--tick", type=int, default=60, help="检查间隔（秒）")
        parser.add_argument("--once", action="store_true", help="只执行一轮（用于测试与 cron）")

    def handle(self, *args, tick, once, **options):
        run_forever(tick, stdout=self.stdout, once=once)
