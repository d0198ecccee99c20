"""Every stored identity key recomputed with the one normalisation of a homepage URL
(registry.formspec.identity: IDN as punycode, default documents, tracking parameters,
case, trailing dots and slashes, default ports, http = https): ``Website.url_key`` and
the ``WebsiteDomain`` table. Run again (a new migration calling ``recompute``) when the
identity lists in formspec/data/identity.json change.

Two records that only now turn out to be one site keep their domain-table keys (so
every reviewer sees them flagged, 网址已登记) while the later one's ``url_key`` gets a
``#<id>`` suffix that no spelling produces: the unique constraints on ``url_key`` (one
per unit; one per coded open site) hold, and nothing is merged behind anyone's back."""

from django.db import migrations


def recompute(apps, schema_editor):
    from sitecensus.registry.formspec.identity import normalize_url
    from sitecensus.registry.formspec.spec import identity_keys

    Website = apps.get_model("registry", "Website")
    WebsiteDomain = apps.get_model("registry", "WebsiteDomain")
    closed = ("closed", "merged")
    sites = list(Website.objects.values_list("id", "unit_id", "homepage_url", "url_key", "site_code", "life"))
    # Coded open sites first (they keep their key), then by age.
    sites.sort(key=lambda s: (not (s[4] and s[5] not in closed), s[0]))
    per_unit, coded, changed = set(), set(), []
    for pk, unit_id, homepage, old, code, life in sites:
        key = normalize_url(homepage)
        if key:
            holds_code = bool(code) and life not in closed
            if (unit_id, key) in per_unit or (holds_code and key in coded):
                key = f"{key}#{pk}"[:500]
            per_unit.add((unit_id, key))
            if holds_code:
                coded.add(key)
        if key != old:
            changed.append(Website(pk=pk, url_key=key[:500]))
    # Two steps, so no row takes a key another still holds (the unique constraints check each row).
    Website.objects.bulk_update([Website(pk=w.pk, url_key=f"#moving{w.pk}") for w in changed], ["url_key"],
                                batch_size=2000)
    Website.objects.bulk_update(changed, ["url_key"], batch_size=2000)
    WebsiteDomain.objects.all().delete()
    rows = []
    for site in Website.objects.only("id", "homepage_url", "data").iterator(chunk_size=2000):
        data = site.data if isinstance(site.data, dict) else {}
        keys = identity_keys({**data, "homepage_url": site.homepage_url})
        rows += [WebsiteDomain(website_id=site.pk, key=key[:500], field=field) for key, (field, _v) in keys.items()]
        if len(rows) >= 5000:
            WebsiteDomain.objects.bulk_create(rows)
            rows = []
    WebsiteDomain.objects.bulk_create(rows)


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0012_website_domains'),
    ]

    operations = [
        migrations.RunPython(recompute, migrations.RunPython.noop, elidable=False),
    ]
