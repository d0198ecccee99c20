"""`sitecensus restore FILE --yes`: replace the database with a backup (run as the
owner role on PostgreSQL: pg_restore recreates the tables and their triggers),
then check the protection triggers and the audit chain."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from sitecensus.core import backup, protection


class Command(BaseCommand):
    help = "从备份恢复数据库（会覆盖当前数据），并校验保护触发器与审计日志哈希链"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="确认覆盖当前数据库")

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError("恢复将覆盖当前数据库的全部数据；确认请加 --yes")
        try:
            backup.restore(options["file"])
        except Exception as error:  # noqa: BLE001
            detail = error.stderr.decode() if getattr(error, "stderr", None) else str(error)
            raise CommandError(f"恢复失败：{detail}") from None
        protection.reset()
        missing = protection.check()
        if missing:
            raise CommandError("恢复后数据库保护触发器缺失：" + "、".join(missing) + "；请运行 sitecensus migrate")
        self.stdout.write(f"已从 {options['file']} 恢复")
        call_command("audit", "verify", stdout=self.stdout, stderr=self.stderr)
