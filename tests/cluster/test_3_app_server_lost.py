"""One app server killed (SIGKILL, as a crash or a pulled cable) under load: nginx takes it
out and every request after that is answered by the other; how many failed in flight is
reported. wrk drives real pages as a signed-in office user, 8 connections."""

import re
import subprocess
import time

from .conftest import report
from .harness import PORTS, answers, wait_for
from .portal import Portal

LOAD_SECONDS = 15
KILL_AFTER = 5
# nginx marks a server failed at its first refused connection (max_fails=1); a request
# finished this long after the kill is one nginx sent after it knew.
MARKED_DOWN_WITHIN = 1.0

WRK_SCRIPT = """
local paths = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
"""


def access_log(cluster, since):
    """(time, status, upstreams) of each request nginx answered since `since`."""
    entries = []
    for line in (cluster.dir / "nginx" / "access.log").read_text().splitlines():
        msec, status, upstream = re.match(r'(\S+) (\d+) "([^"]*)"', line).groups()
        if float(msec) >= since:
            entries.append((float(msec), int(status), upstream))
    return entries


def test_an_app_server_killed_under_load(cluster):
    portal = Portal(cluster)
    portal.login("vanphong")
    with cluster.connect("primary") as db:
        session = db.execute("SELECT min(id) FROM inspections_session").fetchone()[0]
        recommendation = db.execute(
            "SELECT min(id) FROM recommendations_recommendation").fetchone()[0]
    pages = ["/", "/recommendations/", "/dashboard/", f"/sessions/{session}/",
             f"/recommendations/{recommendation}/", "/search/?q=c%C3%A1n+b%E1%BB%99"]
    for page in pages:
        assert portal.get(page).status_code == 200, page
    script = cluster.dir / "pages.lua"
    script.write_text(WRK_SCRIPT % ", ".join(f'"{page}"' for page in pages))

    began = time.time()
    load = subprocess.Popen(
        ["wrk", "-t", "2", "-c", "8", "-d", f"{LOAD_SECONDS}s", "--timeout", "10s",
         "-s", str(script), "-H", f"Cookie: {portal.cookie_header()}", cluster.url],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        time.sleep(KILL_AFTER)
        killed_at = time.time()
        cluster.kill("app1")
        summary = load.communicate(timeout=LOAD_SECONDS + 30)[0]
    finally:
        if load.poll() is None:  # interrupted: no load left running
            load.kill()

    entries = access_log(cluster, began)
    before = [e for e in entries if e[0] < killed_at]
    in_flight = [e for e in entries if killed_at <= e[0] < killed_at + MARKED_DOWN_WITHIN]
    # 499: wrk closing its connections as its run ends, not an answer of the portal.
    ended = [e for e in entries if e[1] == 499 and e[0] >= began + LOAD_SECONDS - 1]
    after = [e for e in entries if e[0] >= killed_at + MARKED_DOWN_WITHIN and e not in ended]
    failed = [e for e in in_flight if e[1] >= 400]
    report(f"app server killed under load ({LOAD_SECONDS} s, 8 connections, kill at "
           f"{KILL_AFTER} s): {len(entries)} requests, {len(before)} before the kill, "
           f"{len(in_flight)} in the next {MARKED_DOWN_WITHIN:.0f} s of which {len(failed)} "
           f"failed, {len(after)} after, of which "
           f"{sum(1 for e in after if e[1] >= 400)} failed ({len(ended)} cut by wrk's end); wrk: "
           + " ".join(line.strip() for line in summary.splitlines()
                      if "requests in" in line or "errors" in line or "Non-2xx" in line))
    assert before and after, summary
    assert all(status == 200 for _t, status, _u in after), \
        [e for e in after if e[1] != 200][:10]
    assert all(upstream.endswith(str(PORTS["app2"])) for _t, _s, upstream in after)
    # Both servers took turns before the kill.
    assert {u.split(",")[0] for _t, _s, u in before} >= {f"127.0.0.1:{PORTS['app1']}",
                                                         f"127.0.0.1:{PORTS['app2']}"}

    # Back to two servers for what follows (the failover needs no restart of either).
    cluster.start_app("app1")
    wait_for("gunicorn app1", lambda: answers(PORTS["app1"]), timeout=60)
