"""What pages compute from many rows, cached until the data under them change, and
invalidated by what changed.

Data versions. A save or delete of a model of the portal's apps or of a user, and a change to
one of their many-to-many relations, moves versions on once its transaction commits (signals
connected in CommunesConfig.ready):
- a row that belongs to one province (a recommendation, a session and what it recorded, …)
  moves that province's version and the national one (national figures count every province);
- units and departments belong to their province too (their names are its pages');
  reference data (categories, metrics, users and their roles, the calendar) and writes that
  send no signals (bulk_create, update(), COPY, which call `data_changed()`) move the global
  version, which every cached part reads.
A part cached for a province's office, leaders, departments or units depends on the global
and that province's version; one cached for a national viewer on the global and the national
version. So a write in Lạng Sơn leaves Cao Bằng's cached pages valid. The national figures
(the dashboard, on its page and in the API) read the national version through
`national_figures_version()`, which follows it at most once every DASHBOARD_NATIONAL_SECONDS:
counting every province's tally takes seconds, and a write anywhere would start it again.

A version is a random token with the time it was made: if the cache loses it, a new token
makes every older entry stale instead of possibly bringing one back.

Serving while recomputing. A part is stored under a key that does not change with the data,
with the versions it was computed at. When the data have moved on, one request recomputes it
(it holds a lock, for at most CACHE_STALE_SECONDS if it dies) while the others serve the
value it replaces: a burst of writes never makes every request recompute the national
dashboard at once. Reads that decide permissions (a department's co-operations) and the
API's answers are never served stale: the others wait for the value being computed.

The cache must be shared by every app server (CACHE_URL: the database or Redis, see
docs/operations.md), or one server would keep serving parts another server's write made stale.
"""

import datetime
import hashlib
import logging
import time
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .scope import Scope, scope

logger = logging.getLogger(__name__)
# The apps whose writes move the versions: the portal's apps, and auth (pages show users:
# assignees, who did what, and their roles). Each app above communes adds itself, with its
# models no page shows, in its AppConfig.ready() (`watch`): communes does not name them.
WATCHED_APPS = {"communes", "auth"}
# No page shows these: making or revoking an API token; a calendar link, read by its own feed
# only, never cached; the audit log, from which no page's figures come, and a sign-in (an
# audit row) must not empty everyone's cache.
UNWATCHED_MODELS = {"communes.apitoken", "communes.calendarlink", "communes.auditevent"}
GLOBAL, NATIONAL = "global", "national"
NATIONAL_FIGURES = "national-figures"
VERSION_KEY = "portal:version:{}"
# How long a cached value lives at all; a newer version makes it stale sooner.
TIMEOUT = 60 * 60


def _new_token() -> str:
    return f"{uuid.uuid4().hex}:{time.time():.3f}"


# The versions read during the current request (RequestVersionsMiddleware): a page reads
# them for its user, its parts and its filters, and one read of the cache serves all.
_request_versions: ContextVar[dict | None] = ContextVar("request_versions", default=None)


class RequestVersionsMiddleware:
    """Reads each data version once per request (communes/cache.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_versions.set({})
        try:
            return self.get_response(request)
        finally:
            _request_versions.reset(token)


def versions(names, *, made_on_change=frozenset()) -> tuple:
    """The current tokens of the named versions, in one read of the cache (a lost one is made
    anew, but one named in `made_on_change` is "-" until a change makes it: a version per API
    token, which a digest nobody made must not leave in the cache); within a request, each is
    read once."""
    keys = [VERSION_KEY.format(name) for name in names]
    memo = _request_versions.get()
    missing = [key for key in keys if memo is None or key not in memo]
    found = cache.get_many(missing) if missing else {}
    if memo is not None:
        found = {**memo, **found}
    lazy = {VERSION_KEY.format(name) for name in made_on_change}
    for key in keys:
        if key in lazy:
            found.setdefault(key, "-")
        elif key not in found:
            token = _new_token()
            # Another process may set its own at the same moment: either way no older entry
            # can be read again.
            found[key] = token if cache.add(key, token, None) else cache.get(key) or token
    if memo is not None:
        memo.update(found)
    return tuple(found[key] for key in keys)


def version_names(user_scope: Scope) -> tuple:
    """The versions what `user_scope` sees depends on."""
    if user_scope.kind == Scope.ALL:
        return (GLOBAL, NATIONAL)
    if user_scope.province_id:
        return (GLOBAL, f"province:{user_scope.province_id}")
    return (GLOBAL,)


def scope_versions(user_scope: Scope) -> tuple:
    """The current versions of everything `user_scope` sees."""
    return versions(version_names(user_scope))


def national_figures_version() -> str:
    """The national version as the national figures read it: the national version itself,
    but one that moved less than DASHBOARD_NATIONAL_SECONDS after the last one they read is
    read only once that time has passed. No write is left out: the first read after the
    interval moves on to the current version, and a write after a quiet interval counts at
    once."""
    (national,) = versions((NATIONAL,))
    key = VERSION_KEY.format(NATIONAL_FIGURES)
    memo = _request_versions.get()
    if memo is not None and key in memo:
        return memo[key]
    followed = cache.get(key)
    now = time.time()
    if followed is not None and (followed[0] == national
                                 or now - followed[1] < settings.DASHBOARD_NATIONAL_SECONDS):
        token = followed[0]
    else:
        # Two processes may move it at once: each to a version no older than the last read.
        cache.set(key, (national, now), None)
        token = national
    if memo is not None:
        memo[key] = token
    return token


def figures_versions(user_scope: Scope) -> tuple:
    """The versions the dashboard's figures for `user_scope` depend on: a province's after
    every write in it, the country's through `national_figures_version()`."""
    if user_scope.kind == Scope.ALL:
        return (*versions((GLOBAL,)), national_figures_version())
    return scope_versions(user_scope)


def replace_versions(names):
    tokens = {VERSION_KEY.format(name): _new_token() for name in names}
    cache.set_many(tokens, None)
    memo = _request_versions.get()
    if memo is not None:
        memo.update(tokens)


@task()
def renew_versions(names: list[str]):
    """A later renewal of versions, once a read replica has caught up (run by
    `manage.py db_worker`)."""
    replace_versions(names)


def new_versions(names):
    replace_versions(names)
    if settings.READ_REPLICA:
        # A part rendered from the replica before it caught up with this change would be
        # cached under the new version: renew it again once the replica has caught up (the
        # router counts on REPLICA_LAG_SECONDS the same way).
        renew_versions.using(run_after=timezone.now() + datetime.timedelta(
            seconds=settings.REPLICA_LAG_SECONDS)).enqueue(names=sorted(names))


def renew_after_migrate(**kwargs):
    """A migration may change data, and a release the pages: nothing cached before counts."""
    try:
        new_versions([GLOBAL])
    except Exception:  # the cache may not be reachable where migrations run
        logger.warning("The data versions could not be renewed after migrate.", exc_info=True)


class _Changes:
    """The versions one transaction moves, collected until it commits."""

    def __init__(self):
        self.names = set()

    def __call__(self):
        new_versions(self.names)


def data_changed(province_id=None) -> None:
    """Move the versions a write changes once the current transaction commits (at once
    outside one): a province's and the national one, or — without a province — the global
    one. One commit callback per transaction, however many rows it writes."""
    names = {f"province:{province_id}", NATIONAL} if province_id else {GLOBAL}
    connection = transaction.get_connection()
    # Django drops these callbacks when their savepoint or transaction rolls back.
    for _ids, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _Changes):
            callback.names |= names
            return
    changes = _Changes()
    changes.names |= names
    # Robust: the write has committed; a cache that is down must not turn it into an error.
    transaction.on_commit(changes, robust=True)


# While a page is rendered to be kept whole (communes/pages.py): whether it served a part
# older than the current versions (one another request is recomputing), in which case the
# page may not be kept, or it would outlive that part.
_older_parts: ContextVar[list | None] = ContextVar("older_parts", default=None)


@contextmanager
def counting_older_parts():
    """A list that gets an entry for each part served older than the current versions."""
    older = []
    token = _older_parts.set(older)
    try:
        yield older
    finally:
        _older_parts.reset(token)


def _older(entry):
    older = _older_parts.get()
    if older is not None:
        older.append(entry[1])
    return entry[2]


# How long a request that needs a value another request is computing waits for it before
# computing it itself; and how often it looks.
AWAIT_SECONDS = 5
AWAIT_STEP_SECONDS = 0.01


def _computed_by_another(key: str, lock: str, current: tuple):
    """The entry under `key` at the `current` versions once the request holding `lock` has
    stored it; None if that request let go without storing it (another version, or a value
    not to keep) or has not stored it within AWAIT_SECONDS."""
    deadline = time.monotonic() + AWAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(AWAIT_STEP_SECONDS)
        entry = cache.get(key)
        if entry is not None and entry[0] == current:
            return entry
        if cache.get(lock) is None:
            return None
    return None


def fresh_or_recomputed(key: str, current: tuple, compute, *, stale_ok: bool, keep=None):
    """The value stored under `key` if it was computed at the `current` versions; otherwise
    compute() by one request at a time (it holds a lock for at most CACHE_STALE_SECONDS),
    and store it (unless `keep(value)` says not to). Meanwhile, with `stale_ok`, the others
    are served the stored value; without it, or with nothing stored, they wait for the
    value being computed (up to AWAIT_SECONDS, then compute it themselves): after a write,
    eight requests for the same answer count its rows once, not eight times at once."""
    entry = cache.get(key)
    if entry is not None and entry[0] == current:
        return entry[2]
    lock = f"{key}:recomputing"
    # However old the stored value, only the request that takes the lock recomputes it.
    locked = cache.add(lock, 1, settings.CACHE_STALE_SECONDS)
    if not locked:
        if stale_ok and entry is not None:
            return _older(entry)
        awaited = _computed_by_another(key, lock, current)
        if awaited is not None:
            return awaited[2]
        locked = cache.add(lock, 1, settings.CACHE_STALE_SECONDS)
    started = time.time()
    try:
        try:
            value = compute()
        except Exception:
            # What replaced it raised (a page now 404 or 403 for this scope): the old value
            # must not be served to the requests that find the lock taken, nor kept.
            if entry is not None:
                cache.delete(key)
            raise
        if keep is None or keep(value):
            cache.set(key, (current, started, value), TIMEOUT)
        elif entry is not None:
            # What replaced it may not be kept (a page now 404, or with older parts): the old
            # value must not be served in its place to the requests that find the lock taken.
            cache.delete(key)
    finally:
        if locked:  # never another request's lock
            cache.delete(lock)
    return value


def key_for(name, parts) -> str:
    return f"portal:{name}:{hashlib.sha256(repr(parts).encode()).hexdigest()[:32]}"


def cached(name: str, parts, compute, *, depends_on=(GLOBAL, NATIONAL), stale_ok=False):
    """compute(), or its cached result for `parts` (anything with a stable repr: ids, dates,
    the language) while the versions it `depends_on` are unchanged: by default any data;
    version_names(scope) for what one scope sees; (GLOBAL,) for reference data only."""
    return fresh_or_recomputed(key_for(name, parts), versions(depends_on), compute,
                               stale_ok=stale_ok)


@dataclass(frozen=True)
class PartKey:
    """What a cached part of a page ({% cachedpart %}, communes/templatetags/portal.py)
    varies on, and the versions of the data it reads."""

    parts: tuple
    versions: tuple

    def __repr__(self):  # the parts only: the versions are checked, not part of the key
        return repr(self.parts)


def page_part_key(user, *parts) -> PartKey:
    """What a cached part of a page varies on: what the user may see, today (deadlines move
    with it) and the page's own `parts` (filters, page number); and the versions it depends
    on."""
    user_scope = scope(user)
    return PartKey(parts=(user_scope.key, timezone.localdate(), *parts),
                   versions=scope_versions(user_scope))


def template_context(request):
    """How long {% cachedpart %} keeps a page's part (context processor)."""
    return {"cache_seconds": TIMEOUT}


def api_token_version(digest: str) -> str:
    """The version of one API token: the API's authentication keeps the token it reads under
    it (recommendations/api/authentication.py)."""
    return f"api-token:{digest}"


def api_token_versions(digest: str) -> tuple:
    """The versions a kept API token depends on: the global one (users and their roles) and
    the token's own."""
    own = api_token_version(digest)
    return versions((GLOBAL, own), made_on_change={own})


def on_api_token_change(sender, instance, **kwargs):
    """A token made, revoked or deleted (by its owner or in admin): once that commits, the
    requests carrying it read it anew, so a revoked token stops working at once. A request
    that read the token just before is keeping it under the version this moves on."""
    name = api_token_version(instance.digest)
    transaction.on_commit(lambda: new_versions([name]), robust=True)


def province_of(instance):
    """The province a row belongs to, from its QuerySet's `province_lookup` (or the model's
    `province_path`); None for reference data and anything it cannot tell."""
    model = type(instance)
    queryset_class = getattr(model._default_manager, "_queryset_class", None)
    path = getattr(model, "province_path", None) or getattr(queryset_class, "province_lookup",
                                                            None)
    if not path:
        return None
    *steps, last = path.split("__")
    value = instance
    try:
        for step in steps:
            value = getattr(value, step)
            if value is None:
                return None
        return getattr(value, f"{last}_id")
    except Exception:  # a parent deleted with it, or no such path: count it as global
        return None


def watch(app_label: str, *, unwatched=()) -> None:
    """Writes to the models of `app_label` move the data versions, but for the models named
    in `unwatched`, which no page shows (called from the app's AppConfig.ready())."""
    WATCHED_APPS.add(app_label)
    UNWATCHED_MODELS.update(f"{app_label}.{model_name.lower()}" for model_name in unwatched)


def on_model_change(sender, **kwargs):
    """Receiver of post_save, post_delete and m2m_changed for every model."""
    if sender._meta.app_label not in WATCHED_APPS or sender._meta.label_lower in UNWATCHED_MODELS:
        return
    if hasattr(sender, "instance_type"):
        return  # a history record: the change it records sends its own signal
    if not kwargs.get("action", "post_").startswith("post_"):  # m2m_changed's pre_ actions
        return
    if kwargs.get("update_fields") == frozenset({"last_login"}):
        return  # a login changes nothing a page shows
    instance = kwargs.get("instance")
    data_changed(province_of(instance) if instance is not None else None)
