"""The home page's counts of the tree, kept between views: the number of units in a user's
scope is the same for every view until a unit is created, changed or closed, so it is counted
once and kept, keyed by a version that every saved or deleted unit moves on (the national
office's count reads all ~150,000 units). Units written in bulk, which send no signal (the
national generator), are counted again after UNIT_COUNT_SECONDS at the latest."""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sitecensus.orgs import policy as orgs_policy
from sitecensus.orgs.models import Unit

UNIT_COUNT_SECONDS = 600
_VERSION_KEY = "portal:units-version"


def _version() -> str:
    version = cache.get(_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(_VERSION_KEY, version, None):
            version = cache.get(_VERSION_KEY) or version
    return version


@receiver(post_save, sender=Unit, dispatch_uid="portal-units-changed-save")
@receiver(post_delete, sender=Unit, dispatch_uid="portal-units-changed-delete")
def units_changed(**kwargs) -> None:
    cache.set(_VERSION_KEY, uuid.uuid4().hex, None)


def scope_unit_count(user) -> int:
    """How many units the user's scope holds (orgs.policy.visible_units), kept between views."""
    key = f"portal:scope-units:{_version()}:{user.role}:{user.unit.path if user.unit_id else '-'}"
    count = cache.get(key)
    if count is None:
        count = orgs_policy.visible_units(user).count()
        cache.set(key, count, UNIT_COUNT_SECONDS)
    return count
