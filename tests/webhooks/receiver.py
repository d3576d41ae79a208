"""A local HTTP server that receives webhooks in a test: it keeps what it was sent and answers
the codes it is told (200 once they run out), or hangs."""

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)

    def signed_with(self, secret: str) -> bool:
        """The receiver's check: HMAC-SHA256(secret, timestamp + "." + body), in constant
        time, and a timestamp of the last five minutes."""
        timestamp = self.headers["X-Webhook-Timestamp"]
        expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + self.body,
                                        hashlib.sha256).hexdigest()
        fresh = abs(time.time() - int(timestamp)) < 300
        return fresh and hmac.compare_digest(expected, self.headers["X-Webhook-Signature"])


@dataclass
class Receiver:
    answers: list = field(default_factory=list)  # status codes to answer, in order
    hang: bool = False
    received: list = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)
    url: str = ""

    def events(self, path=None):
        return [r.headers["X-Webhook-Event"] for r in self.received
                if path is None or r.path == path]


def start(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 — http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            receiver.received.append(Received(self.path, dict(self.headers), body))
            if receiver.hang:
                receiver.released.wait(30)
                return
            status = receiver.answers.pop(0) if receiver.answers else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_port}"
    return server
