from django.core.management.base import BaseCommand

from sitecensus.core.architecture import markdown


class Command(BaseCommand):
    help = "输出应用分层与导入约束清单（由 .importlinter 生成，即 README 架构说明中的分层列表）"

    def handle(self, *args, **options):
        self.stdout.write(markdown(), ending="")
