"""Two app servers behind nginx serve one portal: a login, an upload and a write made through
one are seen through the other, and reads go to the standby except just after a write."""

import secrets
import time

import pytest

from .portal import Portal, upstream

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]"
       b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def through_the_other(portal, path, first, tries=6):
    """GET `path` until an app server other than `first` answers (nginx takes turns)."""
    for _ in range(tries):
        response = portal.get(path)
        if upstream(response) != first:
            return response
    pytest.fail(f"nginx sent {tries} requests in a row to {first}")


@pytest.fixture(scope="module")
def head(cluster):
    """Sở Nội vụ's head (load_demo's sonoivu), and an item of the department's in progress."""
    portal = Portal(cluster)
    portal.login("sonoivu")
    with cluster.connect("primary") as db:
        portal.recommendation = db.execute(
            "SELECT r.id FROM recommendations_recommendation r JOIN communes_department d "
            "ON d.id = r.lead_department_id WHERE d.short_code = 'SNV' "
            "AND r.status = 'in_progress' ORDER BY r.id LIMIT 1").fetchone()[0]
    return portal


def test_a_login_on_one_server_holds_on_the_other(cluster):
    portal = Portal(cluster)
    login = portal.login("vanphong")
    home = through_the_other(portal, "/", upstream(login))
    assert home.status_code == 200
    assert "Nguyễn Thị Lan" in home.text  # signed in: the header names the user


def test_an_upload_through_one_server_downloads_through_the_other(cluster, head):
    name = f"cluster-{secrets.token_hex(4)}.pdf"
    sent = head.post(f"/recommendations/{head.recommendation}/note/",
                     {"note-text": "Báo cáo tiến độ kèm tệp"},
                     files=[("note-files", (name, PDF, "application/pdf"))])
    assert sent.status_code == 302, sent.text[-2000:]
    with cluster.connect("primary") as db:
        attachment = db.execute("SELECT id FROM recommendations_attachment "
                                "WHERE original_name = %s", [name]).fetchone()[0]
    download = through_the_other(head, f"/attachments/{attachment}/", upstream(sent))
    assert download.status_code == 200
    assert download.content == PDF
    head.attachment = attachment


class StatementLog:
    """The statements a node logged (log_statement = all) from a position on, by connection
    name: the app servers name theirs portal-web (DATABASE_URL) and portal-web-replica
    (DATABASE_REPLICA_URL)."""

    def __init__(self, cluster, node):
        self.path = cluster.pg_log(node)
        self.start = self.path.stat().st_size

    def lines(self, connection_name, table):
        with open(self.path, "rb") as log:
            log.seek(self.start)
            text = log.read().decode(errors="replace")
        return [line for line in text.splitlines()
                if f" {connection_name}: " in line and table in line]


def reads(cluster, portal, path):
    """Which node's logs show the page's reads of the attachments table."""
    primary, standby = StatementLog(cluster, "primary"), StatementLog(cluster, "standby")
    response = portal.get(path)
    assert response.status_code == 200
    time.sleep(0.3)  # the servers' logs are written as they go
    return {"primary": primary.lines("portal-web", "recommendations_attachment"),
            "standby": standby.lines("portal-web-replica", "recommendations_attachment")}


def test_a_read_just_after_a_write_reads_the_primary_and_a_quiet_one_the_standby(
        cluster, head):
    if not hasattr(head, "attachment"):
        pytest.skip("needs the upload above")
    path = f"/attachments/{head.attachment}/"
    written = head.post(f"/recommendations/{head.recommendation}/note/",
                        {"note-text": "Ghi chú ngay trước khi đọc"})
    assert written.status_code == 302
    assert "wrote" in head.http.cookies  # the router's mark of a recent write
    seen = reads(cluster, head, path)
    assert seen["primary"] and not seen["standby"], seen
    # Its note is on the detail page at once, whichever server answers.
    detail = head.get(f"/recommendations/{head.recommendation}/")
    assert "Ghi chú ngay trước khi đọc" in detail.text

    head.forget_recent_write()  # REPLICA_LAG_SECONDS later
    seen = reads(cluster, head, path)
    assert seen["standby"] and not seen["primary"], seen
