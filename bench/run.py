"""`make bench`: load-test the portal as it runs in production, against the national data set.

Starts gunicorn with production settings on 127.0.0.1 (sending the X-Forwarded-Proto header
nginx would send), logs in as each role, drives each page with wrk (8 connections) and
measures a floor (a small template from one indexed query, same settings). Then, in the same
run, the spread mode: each page over many paths drawn (seeded) from the data set — items,
sessions, words, filters and pages — one at random per request (bench/spread.lua), the cache
flushed first, at 8 and 32 connections. Prints one table: page, mode, load, p50, p95, p99,
requests per second, errors, queries per request, p50 as a multiple of the floor's, and
writes it with wrk's raw output, the command, the commit and the machine under
bench/results/<date>/.

Needs DATABASE_URL pointing at a PostgreSQL database filled by `manage.py generate_scale`.
With --queries it only prints the queries each page makes (to compare data sets of different
sizes).
"""

import datetime
import itertools
import json
import os
import platform
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8100"))
BASE = f"http://127.0.0.1:{PORT}"
# The true floor (bench/floor_app.py), a bare Django app under the same gunicorn settings.
FLOOR_PORT = PORT + 1
FLOOR_BASE = f"http://127.0.0.1:{FLOOR_PORT}"
DURATION = os.environ.get("BENCH_DURATION", "15s")
MIXED_DURATION = os.environ.get("BENCH_MIXED_DURATION", "10s")
CONNECTIONS = 8
# (mode, connections, writes per second, duration): at rest, with a writer committing real
# lifecycle steps (bench/writer.py), and with four times the connections.
MODES = [("rest", CONNECTIONS, None, DURATION), ("0.5 writes/s", CONNECTIONS, 0.5, MIXED_DURATION),
         ("2 writes/s", CONNECTIONS, 2, MIXED_DURATION), ("32 connections", 32, None,
                                                          MIXED_DURATION)]
PASSWORD = "langson2025"
# The spread mode: (load, connections, duration), at rest; the paths drawn from this seed.
SPREAD_MODES = [("rest", CONNECTIONS, DURATION), ("32 connections", 32, MIXED_DURATION)]
SEED = int(os.environ.get("BENCH_SEED", "26"))
SPREAD_ITEMS = int(os.environ.get("BENCH_SPREAD_ITEMS", "20000"))
SPREAD_QUERIES = int(os.environ.get("BENCH_SPREAD_QUERIES", "300"))
SINGLE, SPREAD = "single URL", "spread"


def _cache_url():
    """Redis when it answers on 127.0.0.1:6379, as docs/operations.md advises for a busy
    server; else production's default, the database cache."""
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return "dbcache://portal_cache"
    return "redis://127.0.0.1:6379/1"


# The server's cache; this process uses the same one, so that it can make a page's cached
# parts stale and time the page cold.
CACHE_URL = os.environ.get("CACHE_URL") or _cache_url()


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["CACHE_URL"] = CACHE_URL
    os.environ["BENCH_FLOOR"] = "1"  # the floor is routed in this process too
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def pages():
    """(name, user, path) of what the benchmark loads, with ids read from the data set, and
    the rows of the CSV export."""
    from django.db.models import Count

    from inspections.models import InspectionRound, Session
    from recommendations.models import Recommendation

    session = Session.objects.filter(group__round__province__code="20").order_by("pk").first()
    recommendation = Recommendation.objects.filter(
        lead_department__short_code="SNV", lead_department__province__code="20").first()
    # The round with the most recommendations: about 10,000 in the national data set.
    biggest = InspectionRound.objects.annotate(
        rows=Count("groups__sessions__recommendations")).order_by("-rows").first()
    export = f"CSV export, {biggest.rows:,} rows"
    return [
        ("true floor", None, "/"),
        ("floor", "bench.office", "/bench/floor/"),
        ("home", "bench.office", "/"),
        ("session page", "bench.office", f"/sessions/{session.pk}/"),
        ("office list", "bench.office", "/recommendations/"),
        ("office list, filtered", "bench.office",
         "/recommendations/?status=routed&deadline=overdue"),
        ("department inbox", "bench.head", "/inbox/"),
        ("dashboard (office)", "bench.office", "/dashboard/"),
        ("dashboard (national)", "bench.national", "/dashboard/"),
        ("search", "bench.office", "/search/?q=bien+che"),
        ("recommendation page", "bench.head", f"/recommendations/{recommendation.pk}/"),
        # The read API, as another system reads it: with a personal token ("token:" users).
        ("API list (office)", "token:bench.office", "/api/v1/recommendations/"),
        ("API list, filtered", "token:bench.office",
         "/api/v1/recommendations/?status=routed&deadline=overdue"),
        ("API list (department)", "token:bench.head", "/api/v1/recommendations/"),
        ("API list (national)", "token:bench.national", "/api/v1/recommendations/"),
        (export, "bench.national", f"/recommendations/?format=csv&round={biggest.pk}"),
    ]


def draw(population, count, rng) -> list:
    """`count` of `population` without repeats (all of it, shuffled, when it holds fewer):
    each path a different object, as many as the data set has."""
    population = list(population)
    return rng.sample(population, min(count, len(population)))


def combinations(path, choices: dict) -> list[str]:
    """`path` with every combination of the parameters' values (name → values; "" leaves the
    parameter out), in a stable order: the office list over filter × page."""
    paths = []
    for values in itertools.product(*choices.values()):
        query = urllib.parse.urlencode([
            (name, value) for name, value in zip(choices, values, strict=True) if value != ""])
        paths.append(f"{path}?{query}" if query else path)
    return paths


def spread_pages(only=()):
    """(name, user, paths) of the spread mode, the paths drawn from the data set; each page
    from its own generator, seeded by BENCH_SEED and its name, so a page's paths are the same
    whichever pages BENCH_PAGES selects. `only` selects as BENCH_PAGES does."""
    import math

    from django.contrib.auth import get_user_model

    from bench import search_timing
    from inspections.models import Session
    from recommendations.models import Recommendation, Status
    from recommendations.work import inbox_tabs

    users = get_user_model().objects.in_bulk(["bench.office", "bench.head"],
                                             field_name="username")
    office, head = users["bench.office"], users["bench.head"]

    def visible(model, user):
        return model.objects.visible_to(user).order_by("pk").values_list("pk", flat=True)

    def floor_ids(rng):
        bounds = Recommendation.objects.order_by("pk").values_list("pk", flat=True)
        low, high = bounds.first(), bounds.reverse().first()
        return [f"/recommendations/{rng.randint(low, high)}/" for _ in range(SPREAD_ITEMS)]

    def inbox_pages(rng):
        mine = Recommendation.objects.in_inbox_of(head)
        paths = []
        for tab, (_label, condition) in inbox_tabs().items():
            pages = math.ceil(mine.filter(condition).count() / 25)  # the inbox's page size
            paths += [f"/inbox/?tab={tab}&page={page}" for page in range(1, pages + 1)]
        return draw(paths, SPREAD_ITEMS, rng)

    def search_words(rng):
        # search_timing draws its words from the data set's texts with its own seed.
        return ["/search/?" + urllib.parse.urlencode({"q": words}) for words in
                search_timing.queries(SPREAD_QUERIES, seed=rng.randrange(2**32))]

    every = [
        ("true floor", None, floor_ids),
        ("recommendation page (department head)", "bench.head", lambda rng: [
            f"/recommendations/{pk}/" for pk in draw(visible(Recommendation, head),
                                                     SPREAD_ITEMS, rng)]),
        ("recommendation page (office)", "bench.office", lambda rng: [
            f"/recommendations/{pk}/" for pk in draw(visible(Recommendation, office),
                                                     SPREAD_ITEMS, rng)]),
        ("session page", "bench.office", lambda rng: [
            f"/sessions/{pk}/" for pk in draw(visible(Session, office), SPREAD_ITEMS, rng)]),
        ("API detail", "token:bench.office", lambda rng: [
            f"/api/v1/recommendations/{pk}/" for pk in draw(visible(Recommendation, office),
                                                            SPREAD_ITEMS, rng)]),
        ("search", "bench.office", search_words),
        # Every status and deadline filter (or none) × the first four pages.
        ("office list", "bench.office", lambda rng: combinations("/recommendations/", {
            "status": ["", *Status.values], "deadline": ["", "overdue", "due_soon", "missed"],
            "page": ["1", "2", "3", "4"]})),
        ("department inbox", "bench.head", inbox_pages),
    ]
    return [(name, user, paths(random.Random(f"{SEED}:{name}"))) for name, user, paths in every
            if not only or name == "true floor" or any(o in name for o in only)]


TOKENS = {}


def token_header(user):
    """'Authorization: Bearer …' of a token made for this run (user "token:<username>")."""
    from django.contrib.auth import get_user_model

    from communes.services import api_token_create

    username = user.removeprefix("token:")
    if username not in TOKENS:
        TOKENS[username] = api_token_create(
            user=get_user_model().objects.get(username=username), name="make bench")[1]
    return f"Bearer {TOKENS[username]}"


def request_headers(user, cookies):
    """The headers a request of `user` carries: a token, or the session cookie."""
    if user is None:  # the true floor
        return {}
    if user.startswith("token:"):
        return {"Authorization": token_header(user)}
    return {"Cookie": cookies[user]}


def queries_per_request(rows):
    """Queries each page makes, counted in-process through Django's test client: the second
    of two requests, as under load (the first may fill the cache; it is counted too)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from communes.cache import data_changed

    settings.ALLOWED_HOSTS = ["*"]
    counts = {"true floor": [1, 1]}
    for name, username, path in rows:
        if username is None:
            continue
        client = Client()
        extra = {}
        if username.startswith("token:"):
            extra["HTTP_AUTHORIZATION"] = token_header(username)
        else:
            client.force_login(get_user_model().objects.get(username=username))
        measured = []
        data_changed()  # the first request finds every cached part stale
        for _ in range(2):
            with CaptureQueriesContext(connection) as context:
                response = client.get(path, **extra)
                if hasattr(response, "streaming_content"):
                    b"".join(response.streaming_content)
            measured.append(len(context.captured_queries))
        counts[name] = measured
    return counts


def worker_peak_memory(master_pid):
    """The largest peak resident memory (MB) of gunicorn's workers so far."""
    peaks = []
    for child in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split():
        for line in Path(f"/proc/{child}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return max(peaks, default=0)


def cold_request_ms(headers, path, base=BASE):
    """One request right after the data changed: every cached part of the page is stale."""
    from communes.cache import data_changed

    data_changed()
    request = urllib.request.Request(base + path, headers={
        **headers, "X-Forwarded-Proto": "https"})
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=300) as response:
        response.read()
    return (time.monotonic() - started) * 1000


def wait_until_idle(cookie):
    """Requests wrk gave up on may still run in the workers: wait until the floor answers
    quickly again, so one page's backlog is not measured as the next page's time."""
    request = urllib.request.Request(f"{BASE}/bench/floor/", headers={
        "Cookie": cookie, "X-Forwarded-Proto": "https"})
    deadline = time.monotonic() + 300
    quick = 0
    while quick < 3 and time.monotonic() < deadline:
        started = time.monotonic()
        urllib.request.urlopen(request, timeout=300).read()
        quick = quick + 1 if time.monotonic() - started < 0.05 else 0
        time.sleep(0.2)


def live_row_counts():
    from django.utils import translation

    from inspections.models import Difficulty, Directive, Session
    from recommendations.models import Recommendation, RecommendationEvent, Response

    with translation.override("en"):
        return {str(model._meta.verbose_name_plural): model.objects.count() for model in (
            Session, Recommendation, RecommendationEvent, Response, Difficulty, Directive)}


def command_line():
    """How this run was started, with the variables that shaped it."""
    shown = {name: os.environ[name] for name in (
        "DATABASE_URL", "BENCH_DURATION", "BENCH_MIXED_DURATION", "BENCH_PAGES", "BENCH_SEED",
        "BENCH_SPREAD_ITEMS", "BENCH_SPREAD_QUERIES", "CACHE_URL", "GUNICORN_WORKERS",
        "GUNICORN_THREADS") if os.environ.get(name)}
    started = "make bench" if os.environ.get("MAKELEVEL") else shlex.join(sys.argv)
    return " ".join([*(f"{name}={value}" for name, value in shown.items()), started])


def machine():
    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), "unknown processor")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.platform()}, {os.cpu_count()} cores ({model}), {memory:.0f} GiB, "
            f"Python {platform.python_version()}")


def authenticator_keys(usernames) -> dict:
    """An authenticator app of this run for each bench account that signs in (their devices
    replaced): production asks office staff, leaders and national viewers for a code after
    the password (SECOND_FACTOR_ROLES), and log_in gives it as the user's phone would.
    username → the app's key (hex)."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp.util import random_hex

    keys = {}
    for user in get_user_model().objects.filter(username__in=usernames):
        TOTPDevice.objects.filter(user=user).delete()
        keys[user.username] = TOTPDevice.objects.create(
            user=user, name="make bench", key=random_hex(20), confirmed=True).key
    return keys


def totp_code(key: str) -> str:
    """The six digits the app with `key` shows now (django-otp's defaults: 30 s, 6 digits)."""
    from django_otp.oath import totp

    return f"{totp(bytes.fromhex(key)):06d}"


class _Keep(urllib.request.HTTPRedirectHandler):
    """A redirect is the answer: its cookies and where it points are read, not followed."""

    def redirect_request(self, *args, **kwargs):
        return None


def _post(path, fields: dict, cookies: dict):
    """POST a form as a browser would (the CSRF token, its cookie, the Referer): the
    redirect's error (code 302, its headers), or RuntimeError if the form was not accepted."""
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(BASE + path, data=data, headers={
        "X-Forwarded-Proto": "https",
        "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
        "Referer": f"https://127.0.0.1:{PORT}/", "Origin": f"https://127.0.0.1:{PORT}"})
    try:
        urllib.request.build_opener(_Keep).open(request)
    except urllib.error.HTTPError as error:
        if error.code == 302:
            return error
        raise
    raise RuntimeError(f"{path} did not redirect: the form was refused")


def _get_form_token(path, cookies: dict) -> tuple[str | None, dict]:
    """The form's CSRF token on the page at `path` (None if the page redirects: no form for
    this user), and the cookies after the answer."""
    request = urllib.request.Request(BASE + path, headers={
        "X-Forwarded-Proto": "https",
        "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())})
    try:
        with urllib.request.build_opener(_Keep).open(request) as response:
            cookies = _with_set_cookies(cookies, response.headers)
            html = response.read().decode()
    except urllib.error.HTTPError as error:
        if error.code == 302:
            return None, _with_set_cookies(cookies, error.headers)
        raise
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1), cookies


def _with_set_cookies(cookies: dict, headers) -> dict:
    """`cookies` updated by an answer's Set-Cookie headers (Django rotates the session and
    the CSRF secret at sign-in)."""
    cookies = dict(cookies)
    for header in headers.get_all("Set-Cookie") or []:
        name, value = header.split(";", 1)[0].split("=", 1)
        if name in ("sessionid", "csrftoken") and value and value != '""':
            cookies[name] = value
    return cookies


def log_in(username, key=None):
    """The session cookie of `username`, signed in through the real login form and, where the
    role asks for it, the second factor's form with a code of the app whose `key` is given."""
    token, cookies = _get_form_token("/accounts/login/", {})
    answer = _post("/accounts/login/", {"csrfmiddlewaretoken": token, "username": username,
                                        "password": PASSWORD}, cookies)
    cookies = _with_set_cookies(cookies, answer.headers)
    if "sessionid" not in cookies:
        raise RuntimeError(f"login of {username} was refused")
    if key is not None:
        # The code's page answers with its form when the role asks for a code (after the
        # password every page sends there), else it redirects.
        token, cookies = _get_form_token("/accounts/two-factor/code/", cookies)
        if token is not None:
            answer = _post("/accounts/two-factor/code/", {"csrfmiddlewaretoken": token,
                                                          "code": totp_code(key)}, cookies)
            cookies = _with_set_cookies(cookies, answer.headers)
            if answer.headers.get("Location", "").startswith("/accounts/"):
                raise RuntimeError(f"the second factor of {username} was refused")
    return f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}"


def wrk(connections, duration, script, headers, url, paths_file=None):
    """wrk's output, after the command it ran (the token shown as "Bearer …")."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}", "--timeout", "30s",
               "-s", str(ROOT / "bench" / script),
               *[arg for key, value in headers.items() for arg in ("-H", f"{key}: {value}")],
               "-H", "X-Forwarded-Proto: https", url,
               *(["--", str(paths_file)] if paths_file else [])]
    output = subprocess.run(command, capture_output=True, text=True).stdout
    # The token is this run's, but a secret all the same: not in the results.
    shown = [re.sub(r"Bearer \S+", "Bearer …", arg) for arg in command]
    return f"$ {shlex.join(shown)}\n{output}"


def main():
    django_setup()
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("make bench needs DATABASE_URL pointing at PostgreSQL with generate_scale data")
    from django.core.management import call_command

    call_command("createcachetable")
    rows = pages()
    only = [name.strip() for name in os.environ.get("BENCH_PAGES", "").split(",") if name.strip()]
    if only:  # a quick look at some pages (the floor is always measured)
        rows = [row for row in rows if row[0] in ("true floor", "floor")
                or any(o in row[0] for o in only)]
    queries = queries_per_request(rows)
    live = live_row_counts()
    spread = [] if "--queries" in sys.argv else spread_pages(only)
    if "--queries" in sys.argv:  # only the query counts, e.g. on a smaller data set
        print("In the database: " + ", ".join(f"{count:,} {name}" for name, count in live.items()))
        print("| page | queries (cached parts fresh) | queries (all stale) |\n|---|---|---|")
        for name, (cold, warm) in queries.items():
            print(f"| {name} | {warm} | {cold} |")
        return
    signing_in = {user for _n, user, _p in rows + spread
                  if user and not user.startswith("token:")} | {"bench.office"}
    keys = authenticator_keys(signing_in)
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production",
           "CACHE_URL": CACHE_URL,
           "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuv",
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "BENCH_FLOOR": "1",
           "STATIC_ROOT": static_root, "GUNICORN_BIND": f"127.0.0.1:{PORT}",
           "TRUSTED_PROXY_COUNT": "1", "FORWARDED_ALLOW_IPS": "127.0.0.1",
           # The load is the measurement: the API's per-token allowance must not answer 429.
           "API_THROTTLE_RATE": "100000000/minute"}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
                   cwd=ROOT, env=env, check=True)
    # The server's log goes to a file: a pipe nobody reads would fill and stall the workers.
    server_log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log")  # noqa: SIM115
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.conf.py",
         "config.wsgi", "--access-logfile", "/dev/null"], cwd=ROOT, env=env,
        stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True)
    floor_server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.conf.py",
         "bench.floor_app", "--access-logfile", "/dev/null"], cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "bench.floor_app",
             "GUNICORN_BIND": f"127.0.0.1:{FLOOR_PORT}"},
        stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True)
    writes = {}
    # The spread mode's paths, a file for each page (bench/spread.lua reads it).
    paths_dir = tempfile.mkdtemp(prefix="bench-spread-")
    try:
        # Until gunicorn answers; with the header, or production settings redirect to https.
        ready = urllib.request.Request(f"{BASE}/accounts/login/",
                                       headers={"X-Forwarded-Proto": "https"})
        for _ in range(60):
            try:
                urllib.request.urlopen(ready, timeout=2)
                urllib.request.urlopen(FLOOR_BASE + "/", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(1)
        else:
            sys.exit("gunicorn did not answer within a minute: see its log")
        # bench.office's session also waits for the server to be idle between pages.
        cookies = {user: log_in(user, keys.get(user)) for user in signing_in}
        results, raw = {}, []
        for name, user, path in rows:
            base = FLOOR_BASE if user is None else BASE
            headers = request_headers(user, cookies)
            wait_until_idle(cookies["bench.office"])
            cold = cold_request_ms(headers, path, base)
            for mode, connections, rate, duration in MODES:
                wait_until_idle(cookies["bench.office"])
                writer = rate and subprocess.Popen(
                    [sys.executable, "bench/writer.py", str(rate)], cwd=ROOT, env=env,
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                if writer:
                    time.sleep(3)  # past its start-up, writing at its rate
                output = wrk(connections, duration, "report.lua", headers, base + path)
                if writer:
                    writer.terminate()
                    writes[(name, mode)] = writer.communicate(timeout=60)[0].strip()
                raw.append(f"## {name}, {mode}\n{output}")
                result = json.loads(output.strip().splitlines()[-1])
                result["peak_mb"] = worker_peak_memory(gunicorn.pid)
                result["cold"] = cold
                results[(name, SINGLE, mode)] = result
        # The spread mode: every request a path drawn from the data set, so most answers are
        # computed rather than read from the cache, as when a province's users each open their
        # own items. The cache is flushed before each run (sessions stay: they are in the
        # database too, SESSION_ENGINE cached_db).
        from django.core.cache import cache

        for name, user, paths in spread:
            base = FLOOR_BASE if user is None else BASE
            headers = request_headers(user, cookies)
            paths_file = Path(paths_dir) / f"{len(raw)}.txt"
            paths_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
            for load, connections, duration in SPREAD_MODES:
                wait_until_idle(cookies["bench.office"])
                cache.clear()
                output = wrk(connections, duration, "spread.lua", headers, base + paths[0],
                             paths_file)
                raw.append(f"## {name}, spread over {len(paths):,} paths, {load}\n{output}")
                result = json.loads(output.strip().splitlines()[-1])
                result["paths"] = len(paths)
                results[(name, SPREAD, load)] = result
    finally:
        # Temporary: the paths are drawn again from the seed, the static files collected again.
        for folder in (paths_dir, static_root):
            shutil.rmtree(folder, ignore_errors=True)
        for server in (gunicorn, floor_server):
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=40)
            except subprocess.TimeoutExpired:  # a slow request outlived the graceful timeout
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
    lines = ["In the database: " + ", ".join(f"{count:,} {name}" for name, count in live.items()),
             "",
             "| page | mode | load | p50 ms | p95 ms | p99 ms | req/s | errors | queries "
             "| p50 / true floor | cold ms |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    measured = [(name, SINGLE, mode, queries[name][1]) for name, _user, _path in rows
                for mode, *_rest in MODES]
    measured += [(name, SPREAD, load, "–") for name, _user, _paths in spread
                 for load, *_rest in SPREAD_MODES]
    for name, kind, load, page_queries in measured:
        r = results[(name, kind, load)]
        floor = results[("true floor", kind, load)]["p50"] or 0.1
        shown = f"spread, {r['paths']:,} paths" if kind == SPREAD else kind
        cold = f"{r['cold']:.0f}" if "cold" in r else "–"
        lines.append(
            f"| {name} | {shown} | {load} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} "
            f"| {r['requests'] / r['seconds']:.1f} | {r['errors']} | {page_queries} | "
            f"{r['p50'] / floor:.1f}× | {cold} |")
    export_name = rows[-1][0]
    if export_name.startswith("CSV"):
        before = results[(rows[-2][0], SINGLE, "rest")]["peak_mb"]
        after = results[(export_name, SINGLE, "rest")]["peak_mb"]
        lines += ["", f"Memory: the workers' largest peak resident size was {before:.0f} MB "
                  f"before the CSV export and {after:.0f} MB after it (each worker streams "
                  "its exports in 5,000-row chunks)."]
    lines += ["", "load: rest, 8 connections; 0.5 and 2 writes/s, 8 connections while "
              "bench/writer.py commits real lifecycle steps; 32 connections at rest. "
              "p50 / true floor: against bench/floor_app.py's p50 under the same load. "
              "queries: per request under load, the page's cached parts in the cache (" +
              CACHE_URL + "); cold: one request alone right after a change of every "
              "version, with these queries: "
              + ", ".join(f"{name} {counts[0]}" for name, counts in queries.items()
                          if counts[0] != counts[1]) + ".",
              "", f"spread: each request one path drawn at random (bench/spread.lua) from "
              f"paths drawn from the data set (seed {SEED}), the cache flushed before each "
              "run, at rest; p50 / true floor against the true floor over random ids in the "
              "same load.",
              "", "Writes made: " + "; ".join(f"{name}, {mode}: {made}"
                                             for (name, mode), made in writes.items()) + "."]
    table = "\n".join(lines)
    print(table)
    stamp = datetime.datetime.now().strftime("%Y-%m-%d-%H%M")
    folder = ROOT / "bench" / "results" / stamp
    folder.mkdir(parents=True, exist_ok=True)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    (folder / "table.md").write_text(table + "\n", encoding="utf-8")
    (folder / "wrk.txt").write_text("\n".join(raw), encoding="utf-8")
    server_log.seek(0)
    (folder / "gunicorn.log").write_bytes(server_log.read())
    (folder / "run.txt").write_text(
        f"command: {command_line()}\n"
        f"load: wrk, {CONNECTIONS} connections, {DURATION} per page at rest, "
        f"{MIXED_DURATION} in each other mode (wrk.txt has each command); spread mode "
        f"seed {SEED}, {DURATION} at 8 connections, {MIXED_DURATION} at 32\n"
        f"commit: {commit}\nmachine: {machine()}\n"
        f"database: {', '.join(f'{count:,} {name}' for name, count in live.items())}\n",
        encoding="utf-8")
    print(f"\nWritten to {folder.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
