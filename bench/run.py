"""`make bench`: load-test the portal as it runs in production, against the national data set.

Starts gunicorn with production settings on 127.0.0.1 (sending the X-Forwarded-Proto header
nginx would send), logs in as each role, drives each page with wrk (8 connections) and
measures a floor (a small template from one indexed query, same settings). Prints one table:
page, p50, p95, p99, requests per second, errors, queries per request, p50 as a multiple of
the floor's, and writes it with wrk's raw output, the command, the commit and the machine
under bench/results/<date>/.

Needs DATABASE_URL pointing at a PostgreSQL database filled by `manage.py generate_scale`.
"""

import datetime
import json
import os
import platform
import re
import shlex
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
DURATION = os.environ.get("BENCH_DURATION", "15s")
CONNECTIONS = 8
PASSWORD = "langson2025"


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def pages():
    """(name, user, path) of what the benchmark loads, with ids read from the data set."""
    from inspections.models import Session
    from recommendations.models import Recommendation

    session = Session.objects.filter(group__round__province__code="20").order_by("pk").first()
    recommendation = Recommendation.objects.filter(
        lead_department__short_code="SNV", lead_department__province__code="20").first()
    return [
        ("floor", "bench.office", "/bench/floor/"),
        ("home", "bench.office", "/"),
        ("session page", "bench.office", f"/sessions/{session.pk}/record/"),
        ("office list", "bench.office", "/recommendations/"),
        ("office list, filtered", "bench.office",
         "/recommendations/?status=routed&deadline=overdue"),
        ("department inbox", "bench.head", "/inbox/"),
        ("dashboard (office)", "bench.office", "/dashboard/"),
        ("dashboard (national)", "bench.national", "/dashboard/"),
        ("search", "bench.office", "/search/?q=bien+che"),
        ("recommendation page", "bench.head", f"/recommendations/{recommendation.pk}/"),
        ("CSV export, 10,000 rows", "bench.national",
         "/recommendations/?format=csv&status=resolved&round=" + str(session.group.round_id)),
    ]


def queries_per_request(rows):
    """Queries each page makes, counted in-process through Django's test client."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["*"]
    counts = {}
    for name, username, path in rows:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        with CaptureQueriesContext(connection) as context:
            response = client.get(path)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        counts[name] = len(context.captured_queries)
    return counts


def log_in(username):
    """The session cookie of `username`, logged in through the real login form."""
    headers = {"X-Forwarded-Proto": "https"}
    request = urllib.request.Request(f"{BASE}/accounts/login/", headers=headers)
    with urllib.request.urlopen(request) as response:
        cookies = response.headers.get_all("Set-Cookie")
        html = response.read().decode()
    csrf = re.search(r"csrftoken=([^;]+)", " ".join(cookies)).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username,
                                   "password": PASSWORD}).encode()

    class Keep(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(Keep)
    request = urllib.request.Request(f"{BASE}/accounts/login/", data=data, headers={
        **headers, "Cookie": f"csrftoken={csrf}", "Referer": f"https://127.0.0.1:{PORT}/",
        "Origin": f"https://127.0.0.1:{PORT}"})
    try:
        opener.open(request)
    except urllib.error.HTTPError as error:
        if error.code != 302:
            raise
        session = re.search(r"sessionid=([^;]+)", " ".join(error.headers.get_all("Set-Cookie")))
        return f"sessionid={session.group(1)}; csrftoken={csrf}"
    raise RuntimeError(f"login of {username} did not redirect")


def main():
    django_setup()
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("make bench needs DATABASE_URL pointing at PostgreSQL with generate_scale data")
    rows = pages()
    queries = queries_per_request(rows)
    from recommendations.models import Recommendation

    live_rows = Recommendation.objects.count()
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production",
           "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuv",
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "BENCH_FLOOR": "1",
           "STATIC_ROOT": static_root, "GUNICORN_BIND": f"127.0.0.1:{PORT}",
           "TRUSTED_PROXY_COUNT": "1", "FORWARDED_ALLOW_IPS": "127.0.0.1"}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
                   cwd=ROOT, env=env, check=True)
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.conf.py",
         "config.wsgi", "--access-logfile", "/dev/null"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"{BASE}/accounts/login/", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(1)
        cookies = {user: log_in(user) for user in {user for _n, user, _p in rows}}
        results, raw = {}, []
        for name, user, path in rows:
            command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--timeout", "30s",
                       "-s", str(ROOT / "bench" / "report.lua"),
                       "-H", f"Cookie: {cookies[user]}", "-H", "X-Forwarded-Proto: https",
                       BASE + path]
            output = subprocess.run(command, capture_output=True, text=True).stdout
            raw.append(f"## {name}\n$ {shlex.join(command)}\n{output}")
            results[name] = json.loads(output.strip().splitlines()[-1])
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        try:
            gunicorn.wait(timeout=40)
        except subprocess.TimeoutExpired:  # a slow request outlived the graceful timeout
            os.killpg(gunicorn.pid, signal.SIGKILL)
            gunicorn.wait()
    floor = results["floor"]["p50"] or 0.1
    lines = [f"Recommendations in the database: {live_rows:,}", "",
             "| page | p50 ms | p95 ms | p99 ms | req/s | errors | queries | p50 / floor |",
             "|---|---|---|---|---|---|---|---|"]
    for name, _user, _path in rows:
        r = results[name]
        lines.append(f"| {name} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} | "
                     f"{r['requests'] / r['seconds']:.1f} | {r['errors']} | {queries[name]} | "
                     f"{r['p50'] / floor:.1f}× |")
    table = "\n".join(lines)
    print(table)
    stamp = datetime.datetime.now().strftime("%Y-%m-%d-%H%M")
    folder = ROOT / "bench" / "results" / stamp
    folder.mkdir(parents=True, exist_ok=True)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    (folder / "table.md").write_text(table + "\n", encoding="utf-8")
    (folder / "wrk.txt").write_text("\n".join(raw), encoding="utf-8")
    (folder / "run.txt").write_text(
        f"command: make bench (bench/run.py), {CONNECTIONS} connections, {DURATION} per page\n"
        f"commit: {commit}\nmachine: {platform.platform()}, {os.cpu_count()} cores\n"
        f"database: {live_rows:,} recommendations\n", encoding="utf-8")
    print(f"\nWritten to {folder.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
