# Campaign moves from registry to its own app by state only: the table stays
# `registry_campaign` (created by registry's migrations), no row moves.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("registry", "0015_lead_merge"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Campaign",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("name", models.CharField(max_length=100, unique=True, verbose_name="普查名称")),
                        ("is_active", models.BooleanField(default=True, verbose_name="当前普查")),
                        ("kind", models.CharField(choices=[("census", "普查"), ("round", "抽查轮次")], default="census",
                                                  max_length=16, verbose_name="类型")),
                        ("year", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="年度")),
                        ("rubric_code", models.CharField(blank=True, max_length=16, verbose_name="评分表版本")),
                        ("created_at", models.DateTimeField(auto_now_add=True, null=True, blank=True,
                                                            verbose_name="创建时间")),
                        ("parent", models.ForeignKey(blank=True, null=True,
                                                     on_delete=django.db.models.deletion.PROTECT,
                                                     related_name="rounds", to="campaigns.campaign",
                                                     verbose_name="所属普查")),
                    ],
                    options={
                        "verbose_name": "普查",
                        "verbose_name_plural": "普查",
                        "db_table": "registry_campaign",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
