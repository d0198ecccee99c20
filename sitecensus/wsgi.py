import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sitecensus.settings")
application = get_wsgi_application()

# Refuse to start without the database guards (a missing or disabled protection trigger).
from sitecensus.core import protection  # noqa: E402

protection.require()



def warm() -> int:
    """What each process's first requests would otherwise pay (2–3 s on a busy machine): the URL
    configuration (with the API's schemas), the translation catalogue and every template compiled
    into the cached loader. gunicorn loads this module once in its master (preload_app) and forks
    warm workers from it. Returns the templates compiled."""
    from pathlib import Path

    from django.conf import settings
    from django.template import engines
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver()._populate()
    with translation.override(settings.LANGUAGE_CODE):
        translation.gettext("Home")
    engine = engines["django"]
    dirs = list(engine.engine.dirs) + [d for loader in engine.engine.template_loaders
                                       for d in getattr(loader, "get_dirs", lambda: [])()]
    names = {str(path.relative_to(root)) for root in map(Path, dirs) if root.is_dir()
             for path in root.rglob("*.html")}
    compiled = 0
    for name in sorted(names):
        try:
            engine.get_template(name)
            compiled += 1
        except Exception:  # noqa: BLE001, S112 - a third-party template we never render; it fails when used
            continue
    return compiled


warm()

# No database connection may be shared across the fork.
from django.db import connections  # noqa: E402

connections.close_all()
