"""The WSGI entry point, for a real server (gunicorn casework_site.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework_site.settings")
application = get_wsgi_application()
