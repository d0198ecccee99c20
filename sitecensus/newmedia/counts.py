"""The statistics' counts kept current (`MediaCount`): every save or delete of an account recounts its
bucket — a handful of grouped rows, in the same transaction — so the statistics of the national office,
a province or a city add up a small table instead of counting every account. `rebuild()` recounts all
buckets (after a bulk insert, which sends no signal); `test_counts.py` holds them equal to a recount."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.db.models.signals import post_delete, post_save

from sitecensus.orgs.models import Unit

from .models import MediaAccount, MediaCount

WIDTH = Unit.steplen * MediaCount.BUCKET_DEPTH
IN_SYSTEM = ExpressionWrapper(Q(unit__system__isnull=False), output_field=BooleanField())
COUNTED = {"status", "life", "platform", "unit", "unit_id"}  # a save touching only others changes no count


def bucket_of(path: str) -> str:
    return path[:WIDTH]


def _in_bucket(bucket: str) -> Q:
    """The accounts a bucket counts: a unit's own (a unit above the bucket depth) or a whole subtree."""
    if len(bucket) < WIDTH:
        return Q(unit__path=bucket)
    return Q(unit__path__startswith=bucket)


def _lock(bucket: str) -> None:
    """One recount of a bucket at a time (PostgreSQL; SQLite has one writer)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["newmedia.count:" + bucket])


@transaction.atomic
def recount(bucket: str) -> None:
    _lock(bucket)
    rows = (MediaAccount.objects.filter(_in_bucket(bucket), status=MediaAccount.Status.APPROVED)
            .annotate(in_system=IN_SYSTEM).values_list("in_system", "platform", "life").annotate(n=Count("id")).order_by())
    MediaCount.objects.filter(bucket=bucket).delete()
    MediaCount.objects.bulk_create([MediaCount(bucket=bucket, in_system=in_system, platform=platform, life=life,
                                               n=n) for in_system, platform, life, n in rows])


@transaction.atomic
def rebuild() -> int:
    """Every bucket recounted in one grouped query (after a bulk insert of accounts)."""
    from django.db.models.functions import Substr

    rows = (MediaAccount.objects.filter(status=MediaAccount.Status.APPROVED)
            .annotate(bucket=Substr("unit__path", 1, WIDTH), in_system=IN_SYSTEM)
            .values_list("bucket", "in_system", "platform", "life").annotate(n=Count("id")).order_by())
    MediaCount.objects.all().delete()
    made = MediaCount.objects.bulk_create(
        [MediaCount(bucket=b, in_system=in_system, platform=p, life=life, n=n) for b, in_system, p, life, n in rows],
        batch_size=2000)
    return len(made)


def _changed(sender, instance: MediaAccount, update_fields=None, **kwargs) -> None:
    if update_fields is not None and not (set(update_fields) & COUNTED):
        return
    path = Unit.objects.filter(pk=instance.unit_id).values_list("path", flat=True).first()
    if path is not None:
        recount(bucket_of(path))


def connect() -> None:
    post_save.connect(_changed, sender=MediaAccount, dispatch_uid="newmedia.counts.saved")
    post_delete.connect(_changed, sender=MediaAccount, dispatch_uid="newmedia.counts.deleted")
