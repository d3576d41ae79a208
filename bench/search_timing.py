"""Time search in-process over random one- and two-word queries, as a clerk types words nobody
searched before (no cache: recommendations.search.search is called directly).

    DATABASE_URL=postgres://… python manage.py shell -c "import bench.search_timing as t; t.main()"

Words are drawn (seeded) from the data set's own recommendation, difficulty and directive
texts, so every query finds something. SEARCH_TIMING_OLD=<path> times another search module
as well (the previous trigram search, e.g. `git show <commit>:recommendations/search.py`),
over the same queries, alternately, so both see the same cache state.
"""

import importlib.util
import os
import random
import re
import statistics
import time

from django.contrib.auth import get_user_model
from django.db import connection

from communes.text import fold
from inspections.models import Difficulty, Directive
from recommendations import search as new_search
from recommendations.models import Recommendation

QUERIES = int(os.environ.get("SEARCH_TIMING_QUERIES", 50))
USERS = os.environ.get("SEARCH_TIMING_USERS", "bench.office,bench.national,bench.head")


def queries(count, seed=26):
    rng = random.Random(seed)
    texts = []
    for model in (Recommendation, Difficulty, Directive):
        last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
        for _ in range(count if last else 0):  # a kind the data set has none of: no words
            row = model.objects.filter(pk__gte=rng.randint(1, last)).order_by("pk").values_list(
                "text", flat=True).first()
            if row:
                texts.append(row)
    chosen = []
    while len(chosen) < count:
        words = re.findall(r"[a-z0-9]+", fold(rng.choice(texts)))
        words = [w for w in words if len(w) > 1] or words
        size = rng.choice((1, 2))
        start = rng.randrange(max(1, len(words) - size + 1))
        chosen.append(" ".join(words[start:start + size]))
    return chosen


def load(path):
    spec = importlib.util.spec_from_file_location("old_search", path,
                                                  submodule_search_locations=None)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "recommendations"
    spec.loader.exec_module(module)
    return module


def summary(times):
    times = sorted(times)
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    return (f"p50 {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms  "
            f"max {times[-1]:7.1f} ms")


def main():
    # SEARCH_TIMING_NEW=0: the old module only (a database without the index's migration).
    modules = {"new": new_search} if os.environ.get("SEARCH_TIMING_NEW", "1") == "1" else {}
    if os.environ.get("SEARCH_TIMING_OLD"):
        modules = {"old": load(os.environ["SEARCH_TIMING_OLD"]), **modules}
    words = queries(QUERIES)
    print(f"{connection.vendor}, {Recommendation.objects.count():,} recommendations, "
          f"{len(words)} queries, e.g. {words[:6]}")
    for username in USERS.split(","):
        user = get_user_model().objects.get(username=username)
        times = {name: [] for name in modules}
        slowest = dict.fromkeys(modules, (0, ""))
        for query in words:
            for name, module in modules.items():
                started = time.perf_counter()
                results = module.search(user, query)
                results.total  # noqa: B018 (every list read)
                elapsed = (time.perf_counter() - started) * 1000
                times[name].append(elapsed)
                slowest[name] = max(slowest[name], (elapsed, query))
        for name in modules:
            print(f"{username:15} {name}: {summary(times[name])}  "
                  f"slowest {slowest[name][1]!r}")
