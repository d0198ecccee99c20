from django.core.management.base import BaseCommand

from sitecensus.accounts.models import User
from sitecensus.portal.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "加载演示数据：河北省 → 保定市 → 涞水县 及税务垂直管理系统，并为每种角色创建演示账号。"

    def handle(self, *args, **options):
        users = load_demo()
        if users is None:
            self.stdout.write("演示数据已存在，没有变化。")
            users = list(User.objects.select_related("unit").exclude(role="site").order_by("unit__path", "username"))
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        for user in users:
            self.stdout.write(f"  {user.username:<16}{user.role_label:<10}{user.unit.name}")
