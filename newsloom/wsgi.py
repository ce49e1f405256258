"""WSGI entry point for waitress, gunicorn or any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

from newsloom.config import current, prepare_data_folder

prepare_data_folder(current())  # the settings only read the data folder: make it first
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsloom.settings")
application = get_wsgi_application()
