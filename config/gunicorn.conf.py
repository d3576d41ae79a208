"""gunicorn settings: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Workers follow the usual (2 × CPU) + 1 rule; each may be overridden from the environment.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# Load the app before forking, so a configuration error (production refuses to start without
# its required variables) stops gunicorn instead of respawning failing workers.
preload_app = True
accesslog = "-"
errorlog = "-"
# nginx on the same host sets X-Forwarded-For/Proto; trust it only from there.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
