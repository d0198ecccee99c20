"""Site classes for every kind the census covers: 省部级政府门户 becomes 省级政府门户 (a
State Council department's site is 国务院部门网站), and sites filed under a class that
does not fit their unit's tier (a ministry's site as a provincial department's, a
vertical system's as a county department's, a 参公 unit's as a department's) take the
class of their unit. Versions already kept are history and stay as filed."""

from django.db import migrations

RETIRED = "省部级政府门户"


def reclassify(apps, schema_editor):
    from sitecensus.registry import siteclass

    Website = apps.get_model("registry", "Website")
    changed = []
    for site in Website.objects.select_related("unit").only(
            "id", "site_class", "is_portal", "data", "unit__kind", "unit__level", "unit__system_id",
            "unit__name").iterator(chunk_size=2000):
        unit, current = site.unit, site.site_class
        if current == RETIRED:
            new = siteclass.default_for(unit, is_portal=True)
        elif siteclass.problem(unit, current):
            new = siteclass.default_for(unit, is_portal=site.is_portal)
        elif unit.kind == "institution" and current.endswith("政府部门网站"):
            new = siteclass.default_for(unit)
        else:
            continue
        site.site_class = new
        if isinstance(site.data, dict) and site.data.get("site_class"):
            site.data = {**site.data, "site_class": new}
        changed.append(site)
        if len(changed) >= 2000:
            Website.objects.bulk_update(changed, ["site_class", "data"])
            changed = []
    if changed:
        Website.objects.bulk_update(changed, ["site_class", "data"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0008_website_sync_index"), ("orgs", "0001_initial")]

    operations = [migrations.RunPython(reclassify, migrations.RunPython.noop)]
