"""Background tasks of the reference-data app (run by `manage.py db_worker`)."""

from django_tasks import task

from .cache import replace_data_version


@task()
def renew_data_version():
    """A later renewal of the data version, once a read replica has caught up
    (communes.cache.new_data_version)."""
    replace_data_version()
