from django.core.management.base import BaseCommand, CommandError

from sitecensus.registry.models import Website
from sitecensus.scanner import services


class Command(BaseCommand):
    help = "立即扫描网站（按网站标识码，或 --all 扫描全部参加普查的网站），结果存入扫描历史。"

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="网站标识码")
        parser.add_argument("--all", action="store_true")
        parser.add_argument("--probe", action="store_true", help="只探测首页可用性")

    def handle(self, *args, codes, all, probe, **options):
        sites = services.sites_to_scan() if all else Website.objects.filter(site_code__in=codes)
        ids = list(sites.values_list("id", flat=True))
        missing = set(codes) - set(Website.objects.filter(site_code__in=codes).values_list("site_code", flat=True))
        if missing:
            raise CommandError(f"网站标识码不存在：{'、'.join(sorted(missing))}")
        if not ids:
            raise CommandError("请给出网站标识码，或使用 --all")
        run = services.probe(ids, trigger="manual") if probe else services.scan(ids, trigger="manual")
        self.stdout.write(f"完成：{run.get_kind_display()} {run.total} 个网站（任务 {run.pk}）")
