import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sitecensus.settings")
application = get_wsgi_application()

# Refuse to start without the database guards (a missing or disabled protection trigger).
from sitecensus.core import protection  # noqa: E402

protection.require()
