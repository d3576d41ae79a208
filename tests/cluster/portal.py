"""A browser-like client of the cluster's nginx: cookies, CSRF, and which app server answered
(nginx's X-Upstream header, set by the cluster's own nginx.conf)."""

import email
import email.header
import re

import requests

from .harness import PASSWORD


class Portal:
    def __init__(self, cluster):
        self.cluster = cluster
        self.http = requests.Session()

    def url(self, path):
        return self.cluster.url + path

    def get(self, path, **kwargs):
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 30)
        return self._loopback(self.http.get(self.url(path), **kwargs))

    def post(self, path, data=None, **kwargs):
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 30)
        data = {**(data or {}), "csrfmiddlewaretoken": self.csrf_token()}
        return self._loopback(self.http.post(self.url(path), data=data, **kwargs))

    def _loopback(self, response):
        """Production's session and CSRF cookies are Secure, and the cluster is plain HTTP on
        loopback: keep sending them, as a browser would over the HTTPS the cluster leaves
        out."""
        for cookie in self.http.cookies:
            cookie.secure = False
        return response

    def csrf_token(self):
        if "csrftoken" not in self.http.cookies:
            self.get("/accounts/login/")
        return self.http.cookies["csrftoken"]

    def login(self, username):
        response = self.post("/accounts/login/", {"username": username, "password": PASSWORD})
        assert response.status_code == 302, response.text[:2000]
        return response

    def forget_recent_write(self):
        """As if REPLICA_LAG_SECONDS had passed since this user's last write."""
        self.http.cookies.clear(domain="127.0.0.1", path="/", name="wrote")

    def cookie_header(self):
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.http.cookies)


def upstream(response):
    """The app server that answered (the last one nginx tried)."""
    return re.split(r",\s*", response.headers.get("X-Upstream", ""))[-1]


def sent_mails(cluster):
    """(To, Subject) of every mail in the shared mail directory."""
    mails = []
    for path in sorted(cluster.mail_dir.glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                message = email.message_from_bytes(chunk.strip())
                subject = str(email.header.make_header(
                    email.header.decode_header(message["Subject"])))
                mails.append((message["To"], subject))
    return mails
