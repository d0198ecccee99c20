from django.core.management.base import BaseCommand

from sitecensus.core.lifecycle import markdown


class Command(BaseCommand):
    help = "输出各业务对象的生命周期表（由模型中声明的状态转换生成，即 README 架构说明中的表格）"

    def handle(self, *args, **options):
        self.stdout.write(markdown(), ending="")
