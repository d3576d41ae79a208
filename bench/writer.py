"""The writer of `make bench`'s mixed load: real lifecycle steps through the services, at a
steady rate, while wrk drives a page.

    python bench/writer.py RATE      (writes per second; runs until it is stopped)

Each write is one transaction of recommendations/services/ on an open recommendation —
a progress note, or the step its status allows (accept, start work) — half of them in Lạng
Sơn (the province the benchmark's office and department read), half anywhere: every write
moves the national version, and half of them the office's province's (communes/cache.py).
Prints how many writes it made, and how many were late, when it stops.
"""

import os
import random
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    rate = float(sys.argv[1])
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import close_old_connections

    from recommendations import services
    from recommendations.models import OPEN_STATUSES, Recommendation, Status

    rng = random.Random(2025)
    home = list(Recommendation.objects.filter(
        province__code="20", status__in=OPEN_STATUSES, consolidated_into=None
    ).values_list("pk", flat=True)[:5000])
    anywhere = list(Recommendation.objects.filter(
        status__in=OPEN_STATUSES, consolidated_into=None).exclude(province__code="20")
        .values_list("pk", flat=True)[:20000])
    stop = []
    signal.signal(signal.SIGTERM, lambda *args: stop.append(1))
    interval, due = 1 / rate, time.monotonic()
    writes = late = 0
    while not stop:
        pk = rng.choice(home if writes % 2 == 0 else anywhere)
        recommendation = Recommendation.objects.get(pk=pk)
        if recommendation.status == Status.ROUTED:
            services.recommendation_accept(recommendation=recommendation, by=None)
        elif recommendation.status == Status.ACCEPTED:
            services.recommendation_start(recommendation=recommendation, by=None)
        else:
            services.recommendation_respond(recommendation=recommendation, by=None,
                                            text="Tiến độ: đang phối hợp xử lý.", progress=True)
        writes += 1
        close_old_connections()
        due += interval
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        else:
            late += 1
    print(f"{writes} writes, {late} late")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    main()
