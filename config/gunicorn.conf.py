"""gunicorn settings: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Sync workers, two per CPU: the portal's pages are CPU-bound Python, so threads inside a worker
only wait for each other's GIL (on the 2-core benchmark machine, 4 sync workers kept the office
list's p95 at 143 ms where 5 workers of 2 threads let it reach 280 ms at the same throughput).
nginx in front buffers slow clients, as gunicorn's sync workers expect. Each may be overridden
from the environment.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
# Recycle workers now and then so a slow leak cannot grow without bound. Not too often: a
# new worker compiles its templates and opens its connections while requests queue behind
# it (at 2,000 the benchmark's workers restarted 167 times in one run, every ~16 s each,
# and those restarts were its p99s).
max_requests = 50_000
max_requests_jitter = 5_000
# Load the app before forking, so a configuration error (production refuses to start without
# its required variables) stops gunicorn instead of respawning failing workers.
preload_app = True
accesslog = "-"
errorlog = "-"
# nginx on the same host sets X-Forwarded-For/Proto; trust it only from there.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
