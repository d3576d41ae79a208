"""The digest started on both app servers at the same moment (cron on every node) sends each
department's mail once (communes/jobs.py): the mails both nodes' task workers send land in one
directory (EMAIL_URL=filemail://), where each is counted."""

import datetime
import subprocess
import sys
import time

from .conftest import report
from .harness import ROOT
from .portal import sent_mails


def next_working_day(cluster):
    script = ("import datetime; from django.utils import timezone; "
              "from communes.workdays import is_working_day; day = timezone.localdate()\n"
              "while not is_working_day(day): day += datetime.timedelta(days=1)\n"
              "print(day.isoformat())")
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT,
                            env=cluster.env("cron"), capture_output=True, text=True, check=True)
    # The shell's notes on what it imported come first.
    return datetime.date.fromisoformat(result.stdout.split()[-1])


def test_the_digest_started_on_both_nodes_at_once_sends_each_mail_once(cluster):
    day = next_working_day(cluster)
    stamp = f"{day:%d/%m/%Y}"
    command = [sys.executable, "manage.py", "send_due_digest", "--day", day.isoformat()]
    # Each node's cron, at the same minute: two processes with the nodes' environment.
    runs = [subprocess.Popen(command, cwd=ROOT, env=cluster.env("cron"),
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for _node in ("app1", "app2")]
    outputs = [run.communicate(timeout=60)[0] for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    assert sum("Digest queued for" in output for output in outputs) >= 1, outputs

    with cluster.connect("primary") as db:
        departments = db.execute("SELECT count(*) FROM recommendations_digestsent "
                                 "WHERE day = %s", [day]).fetchone()[0]
        # A department whose people have no address is marked but mailed nothing.
        expected = db.execute(
            "SELECT count(DISTINCT d.department_id) FROM recommendations_digestsent d "
            "JOIN communes_userprofile p ON p.department_id = d.department_id "
            "JOIN auth_user u ON u.id = p.user_id WHERE d.day = %s AND u.is_active "
            "AND u.email <> ''", [day]).fetchone()[0]
        # Until the workers have sent what was queued, and at least the mails expected are
        # in the directory (a second copy would be sent by then too: same queue, same time).
        deadline = time.monotonic() + 30
        while True:
            pending = db.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status IN "
                "('READY', 'RUNNING') AND task_path = 'communes.mail.send_email' "
                "AND (run_after IS NULL OR run_after <= now())").fetchone()[0]
            digests = [mail for mail in sent_mails(cluster) if stamp in mail[1]]
            if not pending and len(digests) >= expected:
                break
            assert time.monotonic() < deadline, \
                f"the task workers did not send the mail: {pending} queued, {digests}"
            time.sleep(0.3)
    twice = len(digests) - len(set(digests))
    report(f"digest on both nodes at once: {departments} department(s) marked, {expected} "
           f"with someone to mail, {len(digests)} mail(s) sent, {twice} twice; the nodes said: "
           + " / ".join(output.strip().splitlines()[-1] for output in outputs))
    assert departments >= 1
    assert digests, "no digest was sent"
    assert len(digests) == len(set(digests)), f"a digest was sent twice: {sorted(digests)}"
    assert len(digests) == expected
