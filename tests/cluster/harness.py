"""The portal as a province runs it, on one machine: `make test-cluster`'s cluster.

PostgreSQL primary and a streaming standby (pg_basebackup -R, a replication slot,
synchronous commit to the standby), Redis (cache, sessions, throttle counters), two gunicorn
app servers each with its own task worker (db_worker), a shared MEDIA_ROOT and a shared mail
directory, and nginx balancing both app servers with the headers and limits of
deploy/nginx.conf. Everything from Debian packages and this checkout, in one temporary
directory, on loopback ports only; `Cluster.down()` stops every process it started and removes
the directory, whatever state the tests left it in (a stopped primary, a killed app server).

The topology is deploy/cluster/'s (README there), with ports instead of machines:

    nginx :58080 ─┬─ app1 gunicorn :58001 + db_worker ─┬─ primary :55432 ══ sync ══╗
                  └─ app2 gunicorn :58002 + db_worker ─┘  (reads: standby :55433) ◄╝
                          └──── Redis :56379, MEDIA_ROOT, mail dir (shared) ────┘

Run it by hand: `python -m tests.cluster.harness` brings it up and keeps it until Ctrl-C.
"""

import getpass
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
# The newest PostgreSQL Debian installed (CI's image may carry another major than 15), or PG_BIN.
PG_BIN = Path(os.environ.get("PG_BIN") or max(
    (str(path) for path in Path("/usr/lib/postgresql").glob("*/bin")),
    key=lambda path: int(Path(path).parent.name), default="/usr/lib/postgresql/15/bin"))
PORTS = {"primary": 55432, "standby": 55433, "redis": 56379, "app1": 58001, "app2": 58002,
         "nginx": 58080}
DATABASE = "portal"
# The demo's accounts (load_demo) sign in with this password.
PASSWORD = "langson2025"

NGINX_CONF = """\
# The cluster's nginx: deploy/nginx.conf's proxy headers and limits, plain HTTP on loopback,
# and deploy/cluster/nginx-upstream.conf's balancing of two app servers.
{user}
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    # Which app server answered, and when: the tests read it to prove a request crossed over,
    # and to count what failed around an app server's loss.
    log_format cluster '$msec $status "$upstream_addr" "$request"';
    access_log {dir}/access.log cluster;

    upstream inspections {{
        server 127.0.0.1:{app1} max_fails=1 fail_timeout=5s;
        server 127.0.0.1:{app2} max_fails=1 fail_timeout=5s;
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        server_name 127.0.0.1;
        client_max_body_size 25m;
        location / {{
            proxy_pass http://inspections;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_redirect off;
            proxy_read_timeout 75s;
            proxy_connect_timeout 2s;
            # A GET that found its app server gone is tried on the other; a POST is not
            # (nginx never resends a non-idempotent request), it fails and the user resends.
            proxy_next_upstream error timeout http_502;
            proxy_next_upstream_tries 2;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def port_free(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def wait_for(what, check, timeout=30.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # noqa: BLE001 - not up yet, whatever the reason
            pass
        time.sleep(interval)
    raise RuntimeError(f"{what} did not come up within {timeout:.0f} s")


class Cluster:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="inspections-cluster-"))
        self.dir.chmod(0o755)  # PostgreSQL runs as another user when we are root
        self.processes = {}  # name -> Popen, each the leader of its own process group
        self.secret_key = secrets.token_urlsafe(40)
        self.as_root = os.geteuid() == 0
        self.timings = {}

    # --- paths and addresses -----------------------------------------------------------

    @property
    def url(self):
        return f"http://127.0.0.1:{PORTS['nginx']}"

    def data_dir(self, node):
        return self.dir / "pg" / node

    def pg_log(self, node):
        return self.dir / "pg" / f"{node}.log"

    @property
    def media_root(self):
        return self.dir / "media"

    @property
    def mail_dir(self):
        return self.dir / "mail"

    def dsn(self, node, dbname=DATABASE):
        return f"host=127.0.0.1 port={PORTS[node]} user=postgres dbname={dbname} connect_timeout=3"

    def connect(self, node, **kwargs):
        return psycopg.connect(self.dsn(node), autocommit=True, **kwargs)

    def env(self, role="web"):
        """The environment every app server and worker shares (deploy/cluster/env.example),
        production settings but plain HTTP on loopback. `role` only names the connections
        (application_name), so the tests can tell a page's queries from a worker's."""
        hosts = f"host=127.0.0.1,127.0.0.1&port={PORTS['primary']},{PORTS['standby']}"
        return {
            **{key: value for key, value in os.environ.items()
               if not key.startswith(("DJANGO_", "DATABASE_", "PYTEST", "CACHE_"))},
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": self.secret_key,
            "DATABASE_URL": f"postgres://postgres@/{DATABASE}?{hosts}"
                            f"&target_session_attrs=read-write&connect_timeout=2"
                            f"&application_name=portal-{role}",
            "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{PORTS['standby']}/"
                                    f"{DATABASE}?connect_timeout=2"
                                    f"&application_name=portal-{role}-replica",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": self.url,
            "CACHE_URL": f"redis://127.0.0.1:{PORTS['redis']}/1",
            "MEDIA_ROOT": str(self.media_root),
            "STATIC_ROOT": str(self.dir / "static"),
            "EMAIL_URL": f"filemail:///{self.mail_dir}",
            # Plain HTTP on loopback: no redirect to HTTPS, no HSTS. The session and CSRF
            # cookies stay Secure as in production; the tests' client sends them anyway.
            "SECURE_SSL_REDIRECT": "False",
            "SECURE_HSTS_SECONDS": "0",
            # The demo's office account signs in with its password alone.
            "SECOND_FACTOR_ROLES": "",
            "TRUSTED_PROXY_COUNT": "1",
            "FORWARDED_ALLOW_IPS": "127.0.0.1",
            "GUNICORN_WORKERS": "2",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }

    # --- processes ---------------------------------------------------------------------

    def run(self, args, *, as_postgres=False, env=None, check=True, **kwargs):
        if as_postgres and self.as_root:
            args = ["runuser", "-u", "postgres", "--", *args]
        return subprocess.run(args, env=env, check=check, cwd=ROOT, capture_output=True,
                              text=True, **kwargs)

    def start(self, name, args, *, env=None, log=None):
        log = open(self.dir / f"{name}.log", "ab")  # noqa: SIM115 - the process keeps it
        self.processes[name] = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        return self.processes[name]

    def kill(self, name, sig=signal.SIGKILL):
        process = self.processes.get(name)
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def pg_ctl(self, node, *args, check=True):
        return self.run([str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir(node)), *args],
                        as_postgres=True, check=check)

    def pg_start(self, node):
        options = f"-p {PORTS[node]} -k {self.dir / 'pg'}"
        self.pg_ctl(node, "-w", "-t", "30", "-l", str(self.pg_log(node)), "-o", options, "start")

    def pg_stop(self, node, mode="immediate"):
        """Stop a node; `immediate` is a crash as far as the data is concerned."""
        if (self.data_dir(node) / "postmaster.pid").exists():
            self.pg_ctl(node, "-m", mode, "-w", "stop", check=False)

    def promote(self, node="standby"):
        self.pg_ctl(node, "-w", "promote")

    # --- up and down -------------------------------------------------------------------

    def up(self):
        began = time.monotonic()
        missing = [tool for tool in ("redis-server", "nginx", "wrk") if not shutil.which(tool)]
        if missing or not (PG_BIN / "initdb").exists():
            raise RuntimeError(f"the cluster needs {', '.join(missing + [str(PG_BIN)])}: "
                               "apt-get install postgresql redis-server nginx-light wrk")
        busy = [f"{name} ({port})" for name, port in PORTS.items() if not port_free(port)]
        if busy:
            raise RuntimeError(f"ports in use, another cluster running? {', '.join(busy)}")
        for path in (self.dir / "pg", self.media_root, self.mail_dir, self.dir / "nginx"):
            path.mkdir(parents=True)
        if self.as_root:
            shutil.chown(self.dir / "pg", "postgres", "postgres")

        # collectstatic needs no database: it runs beside the database's setup.
        # Started as the others are, so that down() stops it should the setup fail meanwhile.
        static = self.start("collectstatic", [sys.executable, "manage.py", "collectstatic",
                                              "--no-input", "-v0"], env=self.env())
        self.start("redis", ["redis-server", "--bind", "127.0.0.1", "--port",
                             str(PORTS["redis"]), "--save", "", "--appendonly", "no"])
        self._primary()
        self._schema_and_demo()
        self._standby()
        self.timings["database"] = time.monotonic() - began
        if static.wait() != 0:
            raise RuntimeError("collectstatic failed:\n"
                               + (self.dir / "collectstatic.log").read_text())

        for node in ("app1", "app2"):
            self.start_app(node)
            # Restarted when it exits, as systemd does (deploy/inspections-worker.service,
            # Restart=always): the worker leaves on a database error it cannot wait out,
            # such as the primary's loss, and comes back to the promoted standby.
            worker = shlex.join([sys.executable, "manage.py", "db_worker", "--no-reload",
                                 "--queue-name", "*"])
            self.start(f"{node}-worker", ["bash", "-c", f"while true; do {worker}; sleep 2; done"],
                       env=self.env("worker"))
        self._nginx()
        for node in ("app1", "app2"):
            wait_for(f"gunicorn {node}", lambda node=node: answers(PORTS[node]), timeout=60)
        wait_for("nginx", lambda: answers(PORTS["nginx"]))
        self.timings["up"] = time.monotonic() - began
        return self

    def start_app(self, node):
        """An app server's gunicorn (`node` is app1 or app2), as deploy/inspections.service."""
        runtime = self.dir / node
        runtime.mkdir(exist_ok=True)
        env = {**self.env("web"), "GUNICORN_BIND": f"127.0.0.1:{PORTS[node]}",
               "XDG_RUNTIME_DIR": str(runtime)}
        self.start(node, [str(Path(sys.executable).parent / "gunicorn"), "-c",
                          "config/gunicorn.conf.py", "config.wsgi"], env=env)

    def _primary(self):
        self.run([str(PG_BIN / "initdb"), "-D", str(self.data_dir("primary")), "-U",
                  "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
                 as_postgres=True)
        with open(self.data_dir("primary") / "postgresql.conf", "a") as conf:
            conf.write(
                "\nlisten_addresses = '127.0.0.1'\n"
                "wal_level = replica\nmax_wal_senders = 4\nmax_replication_slots = 4\n"
                "hot_standby = on\nwal_log_hints = on\n"
                # A test cluster on one disk: the standby, not fsync, is what keeps a write.
                "fsync = off\n"
                # Every statement with the connection's name: the router's test reads which
                # server a page's queries reached.
                "log_statement = 'all'\nlog_line_prefix = '%m [%p] %a: '\n"
                "max_connections = 200\n")
        self.pg_start("primary")

    def _schema_and_demo(self):
        """The schema and the demo's data on the primary alone, before the standby copies
        it: loading them through synchronous replication would wait on every commit."""
        self.run([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(PORTS["primary"]),
                  "-U", "postgres", DATABASE])
        env = {**self.env("setup"),
               "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PORTS['primary']}/{DATABASE}"}
        env.pop("DATABASE_REPLICA_URL")
        self._manage(["migrate", "--no-input", "-v0"], env)
        # load_demo refuses production settings (its accounts have a known password).
        self._manage(["load_demo"], {**env, "DJANGO_SETTINGS_MODULE": "config.settings.local"})

    def _manage(self, args, env):
        result = self.run([sys.executable, "manage.py", *args], env=env, check=False)
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}"
                               f"{result.stderr}")

    def _standby(self):
        standby = self.data_dir("standby")
        self.run([str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p",
                  str(PORTS["primary"]), "-U", "postgres", "-D", str(standby), "-R",
                  "-X", "stream", "-C", "-S", "standby1", "--no-sync",
                  # A spread checkpoint would keep it waiting for minutes.
                  "--checkpoint=fast"], as_postgres=True)
        with open(standby / "postgresql.auto.conf", "a") as conf:
            # The name synchronous_standby_names waits for.
            conf.write(f"primary_conninfo = 'host=127.0.0.1 port={PORTS['primary']} "
                       "user=postgres application_name=standby1'\n")
        self.pg_start("standby")
        with self.connect("primary") as primary:
            # From now on a commit is acknowledged once the standby has it (flushed).
            primary.execute("ALTER SYSTEM SET synchronous_standby_names = 'standby1'")
            primary.execute("SELECT pg_reload_conf()")
            wait_for("synchronous standby", lambda: primary.execute(
                "SELECT 1 FROM pg_stat_replication WHERE application_name = 'standby1' "
                "AND sync_state = 'sync'").fetchone())

    def _nginx(self):
        directory = self.dir / "nginx"
        conf = directory / "nginx.conf"
        user = f"user {getpass.getuser()};" if self.as_root else ""
        conf.write_text(NGINX_CONF.format(user=user, dir=directory, port=PORTS["nginx"],
                                          app1=PORTS["app1"], app2=PORTS["app2"]))
        self.start("nginx", ["nginx", "-p", str(directory), "-c", str(conf), "-e",
                             str(directory / "error.log"), "-g", "daemon off;"])

    def down(self):
        """Stop everything started, in any state, and remove the directory."""
        for name in reversed(list(self.processes)):
            self.kill(name, signal.SIGTERM)
        for node in ("standby", "primary"):
            self.pg_stop(node)
        shutil.rmtree(self.dir, ignore_errors=True)


def answers(port):
    with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
        sock.sendall(b"GET /accounts/login/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        return sock.recv(16).startswith(b"HTTP/1.")


def _interrupt(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops it as Ctrl-C does: cleanly
    cluster = Cluster()
    try:
        cluster.up()
        print(f"Up in {cluster.timings['up']:.0f} s: {cluster.url} (demo password {PASSWORD}); "
              f"files in {cluster.dir}. Ctrl-C stops it.", flush=True)
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        cluster.down()
