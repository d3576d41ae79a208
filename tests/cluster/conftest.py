"""The cluster for tests/cluster/: brought up once per run (tests/cluster/harness.py) and
taken down after the last test, or on a failure, Ctrl-C or SIGTERM. The tests reach the
portal through nginx only; they read the databases directly only to check what was stored.

`make test-cluster` runs them; `make test` leaves them out (tests/conftest.py)."""

import signal
import time
from pathlib import Path

import pytest

from .harness import Cluster

FINDINGS = []


def pytest_configure(config):
    # Registered here, not in pyproject.toml: only a run that collects tests/cluster/ uses it.
    config.addinivalue_line("markers", "cluster: runs against tests/cluster/'s two app "
                            "servers, nginx, Redis and PostgreSQL primary and standby "
                            "(make test-cluster; left out of make test)")


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.cluster)


@pytest.fixture(scope="session")
def cluster():
    # A SIGTERM (CI's timeout, make interrupted) must still run the teardown below.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    began = time.monotonic()
    running = Cluster()
    try:
        running.up()
        report(f"cluster up in {running.timings['up']:.0f} s (databases, schema and demo "
               f"data {running.timings['database']:.0f} s)")
        yield running
    finally:
        running.down()
        signal.signal(signal.SIGTERM, previous)
        report(f"cluster run, up to down: {time.monotonic() - began:.0f} s")


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def report(line):
    """A finding printed at the end of the run (how many failed in flight, how long the
    failover took): the issue asks to state them."""
    FINDINGS.append(line)


def pytest_terminal_summary(terminalreporter):
    if FINDINGS:
        terminalreporter.section("cluster findings")
        for line in FINDINGS:
            terminalreporter.write_line(line)
