"""Outside judges of the served pages: axe-core (WCAG 2.2 A/AA) in the browser, and the Nu Html
Checker over the HTML as the server sent it. Both are vendored from npm by `make vendor`."""

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

VENDOR = Path(__file__).resolve().parent.parent / "vendor"
AXE = VENDOR / "axe.min.js"
VNU = VENDOR / "vnu.jar"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

_RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, help: v.help,
                                      nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}));
}"""


def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(page) -> list[str]:
    """axe's WCAG violations on what the page shows now, one line each."""
    return [f"{v['id']} ({v['help']}): {', '.join(v['nodes'])}"
            for v in page.evaluate(_RUN_AXE, WCAG_TAGS)]


@dataclass
class Served:
    """The HTML documents the portal served to a browser, as they came over the wire (before any
    script ran), for the Nu Html Checker; and the Content-Security-Policy refusals seen."""

    origin: str
    documents: list = field(default_factory=list)
    refused: list = field(default_factory=list)
    _pending: list = field(default_factory=list)

    def watch(self, page, label_of):
        """Record every HTML response of `page` (pages and the recording page's fetch alike),
        read as it arrives (the browser drops a body once its page is left);
        `label_of()` names what the test is doing when it arrives."""
        def on_response(response):
            if (response.url.startswith(self.origin)
                    and response.request.resource_type in ("document", "fetch")
                    and "text/html" in response.headers.get("content-type", "")
                    and 200 <= response.status < 500 and response.status not in (301, 302)):
                self._pending.append((label_of(), response.url, response.text()))

        def on_console(message):
            if "Content Security Policy" in message.text:
                self.refused.append(f"{label_of()}: {message.text}")

        page.on("response", on_response)
        page.on("console", on_console)

    def collect(self):
        """Keep the documents received since the last call."""
        self.documents += self._pending
        self._pending.clear()


def vnu_errors(documents, folder: Path) -> list[str]:
    """The Nu Html Checker's errors over all `documents` (label, url, html), in one run."""
    names = {}
    for number, (label, url, html) in enumerate(documents):
        path = folder / f"{number:03d}.html"
        path.write_text(html, encoding="utf-8")
        names[path.resolve().as_uri().replace("file:///", "file:/")] = f"{label} <{url}>"
    if not names:
        return []
    if shutil.which("java") is None:
        message = "the Nu Html Checker needs Java: apt-get install default-jre-headless"
        if os.environ.get("CI") == "true":
            return [message]
        pytest.skip(message)
    completed = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--exit-zero-always",
         "--stdout", *[str(folder / f"{n:03d}.html") for n in range(len(documents))]],
        capture_output=True, text=True, check=True, timeout=300)
    messages = json.loads(completed.stdout)["messages"]
    return [f"{names.get(m.get('url'), m.get('url'))} line {m.get('lastLine')}: {m['message']}"
            f" [{m.get('extract', '').strip()[:120]}]"
            for m in messages if m.get("type") == "error"]
