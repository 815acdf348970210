import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings")
# The web server's statements are cancelled after this many seconds (settings.py); Celery
# and management commands, which may run long statements on purpose, have none by default.
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "10")
application = get_wsgi_application()
