import time
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from sitecensus.scanner import schedule, services
from sitecensus.scanner.tasks import dispatch, probe_task, scan_task


class Command(BaseCommand):
    help = ("运行扫描计划：每个网站每天按设定次数（默认 24 次）错峰探测首页可用性，并每天全面扫描一次。"
            "未配置消息队列时在本进程内执行（嵌入模式）；配置 CELERY_BROKER_URL 后发给 Celery 工作进程。")

    def add_arguments(self, parser):
        parser.add_argument("--tick", type=int, default=60, help="检查间隔（秒）")
        parser.add_argument("--once", action="store_true", help="只执行一轮（用于测试与 cron）")

    def handle(self, *args, tick, once, **options):
        interval = schedule.probe_interval()
        last = timezone.now() - timedelta(seconds=tick)
        while True:
            now = timezone.now()
            ids = list(services.sites_to_scan().values_list("id", flat=True))
            probes = schedule.due(ids, last, now, interval)
            scans = schedule.scan_due(ids, last, now)
            for start in range(0, len(probes), 500):
                dispatch(probe_task, probes[start:start + 500], schedule.round_id(now, interval))
            for start in range(0, len(scans), 200):
                dispatch(scan_task, scans[start:start + 200])
            self.stdout.write(f"{timezone.localtime(now):%Y-%m-%d %H:%M:%S} 探测 {len(probes)} 个，扫描 {len(scans)} 个网站")
            last = now
            if once:
                return
            time.sleep(tick + schedule.jitter(interval))
