"""The true floor of `make bench`: a bare Django application (no middleware, no session, no
user) that answers one indexed SELECT rendered through a template (a province by code; for
the spread mode a recommendation by id, /recommendations/<id>/), served by gunicorn with
the portal's own settings file (config/gunicorn.conf.py). The portal's pages are measured as
multiples of its p50.

    DJANGO_SETTINGS_MODULE=bench.floor_app gunicorn -c config/gunicorn.conf.py bench.floor_app
"""

import os
from pathlib import Path

import environ
from django.db import connection
from django.shortcuts import render
from django.urls import path

env = environ.Env()
SECRET_KEY = "benchmark-floor-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = __name__
INSTALLED_APPS = []
MIDDLEWARE = []
DATABASES = {"default": {**env.db("DATABASE_URL"), "CONN_MAX_AGE": 60}}
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates",
              "DIRS": [Path(__file__).resolve().parent / "templates"]}]
USE_TZ = True


def floor(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT code, name FROM communes_province WHERE code = %s",
                       [request.GET.get("code", "20")])
        row = cursor.fetchone()
    return render(request, "floor.html", {"code": row[0], "name": row[1]})


def floor_by_id(request, pk):
    """The floor of the spread mode: one row by primary key out of the largest table, a
    different one each request, so the floor too reads rows nobody read before."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, text FROM recommendations_recommendation WHERE id = %s", [pk])
        row = cursor.fetchone() or (pk, "")  # an id missing from the data set: not an error
    return render(request, "floor.html", {"code": row[0], "name": row[1][:80]})


urlpatterns = [path("", floor), path("recommendations/<int:pk>/", floor_by_id)]


# gunicorn imports this module as the application, Django as its settings.
if os.environ.get("DJANGO_SETTINGS_MODULE") == __name__:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
