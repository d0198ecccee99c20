"""Bulk writes of synced models announce the rows they wrote.

`post_save` (which fills the API's change feed) does not fire for
`QuerySet.update()`, `bulk_update()` or `bulk_create()`. The synced models
(websites, scorecards, rectification notices, upward reports) use this
QuerySet as their manager: each of those bulk writes sends `rows_changed` with
the ids it wrote, inside the write's own transaction, so the receiver's rows
(the feed) commit or roll back with it. `update()` also moves an `auto_now`
`updated_at` (as `save()` does), so `updated_since` and the keyset cursor see
the rows too. Raw SQL bypasses this; the services write none."""

from django.db import connections, models, transaction
from django.dispatch import Signal
from django.utils import timezone

# sender=the model, ids=[pk, ...], created=bool, using=database alias.
rows_changed = Signal()


def _auto_now_fields(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]


class FeedQuerySet(models.QuerySet):
    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            # The rows, locked, then exactly those rows: the ids sent are the ids written.
            locked = self.select_for_update(of=("self",)) if connections[self.db].features.has_select_for_update_of \
                else self
            ids = list(locked.order_by().values_list("pk", flat=True))
            if not ids:
                return 0
            now = timezone.now()
            for name in _auto_now_fields(self.model):
                kwargs.setdefault(name, now)
            count = models.QuerySet(self.model, using=self.db).filter(pk__in=ids).update(**kwargs)
            rows_changed.send(sender=self.model, ids=ids, created=False, using=self.db)
        return count

    update.alters_data = True

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        with transaction.atomic(using=self.db):
            fields = list(fields) + [n for n in _auto_now_fields(self.model) if n not in fields]
            now = timezone.now()
            for obj in objs:
                for name in _auto_now_fields(self.model):
                    setattr(obj, name, now)
            count = super().bulk_update(objs, fields, batch_size=batch_size)
            if objs:
                rows_changed.send(sender=self.model, ids=[o.pk for o in objs], created=False, using=self.db)
        return count

    bulk_update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db):
            made = super().bulk_create(objs, *args, **kwargs)
            ids = [o.pk for o in made if o.pk is not None]
            if ids:
                rows_changed.send(sender=self.model, ids=ids, created=True, using=self.db)
        return made

    bulk_create.alters_data = True
