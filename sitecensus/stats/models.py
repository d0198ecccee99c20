"""Summary tables behind the statistics pages. Rebuilt in one INSERT … SELECT
per table (services.refresh_tallies) by `manage.py refresh_statistics` and, when
older than STATISTICS_MAX_AGE seconds, by the next statistics request; grouped by
each site's responsible organizing unit, so any subtree is a prefix filter."""

from django.db import models


class SiteTally(models.Model):
    """Websites counted per responsible organizing unit and breakdown."""

    organizer_path = models.CharField(max_length=255, db_index=True)
    level = models.PositiveSmallIntegerField()
    site_class = models.CharField(max_length=32)
    status = models.CharField(max_length=16)
    life = models.CharField(max_length=16)
    system_id = models.BigIntegerField(null=True)  # plain id: the table is rebuilt, never joined for integrity
    is_late = models.BooleanField()
    coded = models.BooleanField()  # has an identifier code: approved at least once (public figures)
    n = models.PositiveIntegerField()


class UnitTally(models.Model):
    """Open units and units that reported at least one site, per responsible organizing unit."""

    organizer_path = models.CharField(max_length=255, db_index=True)
    units = models.PositiveIntegerField()
    reported = models.PositiveIntegerField()
    coded = models.PositiveIntegerField()  # units with at least one coded site


class TallyState(models.Model):
    """One row: when the tallies were last rebuilt (also the lock that serializes rebuilds)."""

    refreshed_at = models.DateTimeField(null=True)
