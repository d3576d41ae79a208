"""A slow connection between Chromium and live_server, as a commune on a weak signal has one:
a TCP relay that delays each direction by half the round trip and lets through at most `rate`
bytes a second in each direction, shared by all the browser's connections. Unlike DevTools'
throttling, which slows a page's own requests only, it slows the service worker's too, and
it counts what crossed it, and the addresses the browser asked for through it."""

import contextlib
import re
import socket
import threading
import time
from collections import deque

# A request's first line, as it starts a chunk or follows the previous request's end.
_REQUEST_LINE = re.compile(rb"(?:^|\r\n)(?:GET|HEAD|POST) (\S+) HTTP/1\.[01]\r\n")


class _Direction:
    """One direction of the link: its clock (when it is free to carry the next bytes) and
    the bytes it carried."""

    def __init__(self, rate, delay):
        self.rate, self.delay = rate, delay
        self.free_at = 0.0
        self.carried = 0
        self.lock = threading.Lock()

    def deliver_at(self, sent_at, size):
        with self.lock:
            start = max(self.free_at, sent_at + self.delay)
            self.free_at = start + size / self.rate
            return self.free_at


class ThrottledLink:
    def __init__(self, target_port, *, rate=50_000, round_trip=0.4):
        self.target = ("127.0.0.1", target_port)
        self.down = _Direction(rate, round_trip / 2)
        self.up = _Direction(rate, round_trip / 2)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.closed = False
        # The path of each request that crossed the link, the service worker's included
        # (Playwright's page events do not show those).
        self.asked = []

    @property
    def received(self):
        """Bytes the browser received through the link."""
        return self.down.carried

    def __enter__(self):
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.closed = True
        self.listener.close()

    def _accept(self):
        while not self.closed:
            try:
                browser, _address = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._connect, args=(browser,), daemon=True).start()

    def _connect(self, browser):
        """A connection costs a round trip before its first byte (TCP's handshake)."""
        time.sleep(self.down.delay + self.up.delay)
        try:
            server = socket.create_connection(self.target)
        except OSError:
            browser.close()
            return
        done = {"lock": threading.Lock(), "ended": 0}
        for source, sink, direction in ((browser, server, self.up),
                                        (server, browser, self.down)):
            self._pipe(source, sink, direction, done)

    def _pipe(self, source, sink, direction, done):
        """A reader that stamps each chunk when it arrives, and a writer that hands it on
        when the link would have carried it."""
        chunks = deque()
        ready = threading.Condition()

        def read():
            while True:
                try:
                    data = source.recv(16384)
                except OSError:
                    data = b""
                with ready:
                    chunks.append((time.monotonic(), data))
                    ready.notify()
                if not data:
                    return

        def write():
            while True:
                with ready:
                    while not chunks:
                        ready.wait()
                    sent_at, data = chunks.popleft()
                if not data:
                    with contextlib.suppress(OSError):
                        sink.shutdown(socket.SHUT_WR)
                    # Each side's reader ends when its peer closes; the second closes both.
                    with done["lock"]:
                        done["ended"] += 1
                        last = done["ended"] == 2
                    if last:
                        source.close()
                        sink.close()
                    return
                time.sleep(max(0.0, direction.deliver_at(sent_at, len(data)) - time.monotonic()))
                try:
                    sink.sendall(data)
                except OSError:
                    return
                with direction.lock:
                    direction.carried += len(data)
                if direction is self.up:
                    # A request line is a few dozen bytes at the start of a request, which
                    # Chromium writes whole: it lies within one chunk read.
                    self.asked.extend(path.decode() for path in _REQUEST_LINE.findall(data))

        threading.Thread(target=read, daemon=True).start()
        threading.Thread(target=write, daemon=True).start()
