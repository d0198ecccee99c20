"""`sitecensus audit verify`: walk the hash-chained audit log and report every
edited, deleted or inserted row (exit 1), or that the chain is whole (exit 0)."""

from django.core.management.base import BaseCommand, CommandError

from sitecensus.audit import chain
from sitecensus.audit.models import AuditEvent


class Command(BaseCommand):
    help = "审计日志防篡改校验：sitecensus audit verify"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        count, problems, head = chain.verify(AuditEvent.objects.all())
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"审计日志校验未通过：{count} 条记录中发现 {len(problems)} 处问题")
        self.stdout.write(f"审计日志完整：{count} 条记录，哈希链无断点；链尾哈希 {head or '（空）'}")
