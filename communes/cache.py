"""Figures computed from many rows, cached until the data under them changes.

Every save or delete of a model of the portal's apps or of a user, and every change to one
of their many-to-many relations, moves a data version on once its transaction commits (signals
connected in CommunesConfig.ready). Cached figures are keyed by that version, so none is served
after a change that committed before the request began. Writes that send no signals
(bulk_create, update(), COPY) call `data_changed()` themselves.

The version is a random token rather than a counter: if the cache loses it, a new token makes
every older entry unreachable instead of possibly bringing one back.

The cache must be shared by every app server (CACHE_URL: the database or Redis, see README),
or one server would keep serving figures another server's write made stale.
"""

import datetime
import hashlib
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .scope import scope

logger = logging.getLogger(__name__)
# The portal's apps, and auth: pages show users (assignees, who did what) and their roles.
WATCHED_APPS = {"communes", "inspections", "recommendations", "auth"}
# No page shows these: making or revoking an API token leaves every cached part valid.
UNWATCHED_MODELS = {"communes.apitoken"}
VERSION_KEY = "portal:data-version"
# Entries of old versions are never read again; they only wait to expire.
TIMEOUT = 60 * 60


def data_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        # Lost or never set: a new token (another process may set its own at the same moment;
        # either way no older entry can be read again).
        version = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, version, None):
            version = cache.get(VERSION_KEY) or version
    return version


def replace_data_version():
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


@task()
def renew_data_version():
    """A later renewal of the data version, once a read replica has caught up (run by
    `manage.py db_worker`)."""
    replace_data_version()


def new_data_version():
    replace_data_version()
    if settings.READ_REPLICA:
        # A page part rendered from the replica before it caught up with this change would be
        # cached under the new version: renew it again once the replica has caught up (the
        # router counts on REPLICA_LAG_SECONDS the same way).
        renew_data_version.using(run_after=timezone.now() + datetime.timedelta(
            seconds=settings.REPLICA_LAG_SECONDS)).enqueue()


def renew_after_migrate(**kwargs):
    """A migration may change data, and a release the pages: nothing cached before counts."""
    try:
        new_data_version()
    except Exception:  # the cache may not be reachable where migrations run
        logger.warning("The data version could not be renewed after migrate.", exc_info=True)


def data_changed() -> None:
    """Invalidate every cached figure once the current transaction commits (at once outside
    one). Registered once per transaction, however many rows it writes."""
    connection = transaction.get_connection()
    # Django drops these callbacks when their savepoint or transaction rolls back.
    if any(callback is new_data_version for _ids, callback, _robust in connection.run_on_commit):
        return
    # Robust: the write has committed; a cache that is down must not turn it into an error.
    transaction.on_commit(new_data_version, robust=True)


def cached(name: str, parts, compute):
    """compute(), or its cached result for `parts` (anything with a stable repr: ids, dates,
    the language) at the current data version."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"portal:{name}:{data_version()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def page_part_key(user, *parts) -> tuple:
    """What a cached part of a page varies on ({% cache %} in the templates, with the
    language): the data version, what the user may see, today (deadlines move with it), and
    the page's own `parts` (filters, page number)."""
    return (data_version(), scope(user).key, timezone.localdate(), *parts)


def template_context(request):
    """How long {% cache %} keeps a page's part (context processor): as long as any cached
    figure; a new data version makes it unreachable sooner."""
    return {"cache_seconds": TIMEOUT}


def on_model_change(sender, **kwargs):
    """Receiver of post_save, post_delete and m2m_changed for every model."""
    if sender._meta.app_label not in WATCHED_APPS or sender._meta.label_lower in UNWATCHED_MODELS:
        return
    if not kwargs.get("action", "post_").startswith("post_"):  # m2m_changed's pre_ actions
        return
    if kwargs.get("update_fields") == frozenset({"last_login"}):
        return  # a login changes nothing a page shows
    data_changed()
