"""The documentation holds together: README.md and docs/ are read on a code host, where a link
to a moved file or a renamed heading fails silently. No database.

`problems(folder)` checks a folder laid out as the project is (README.md beside docs/), so the
failing cases below run it on a broken copy.
"""
import re
import shutil
import unicodedata
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parent.parent
README_MAX_BYTES = 12 * 1024

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
# [text](target) and ![alt](target), the target without spaces, an optional "title" after it.
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$")
HTML_TARGET = re.compile(r"<(?:img|a)\s[^>]*?(?:src|href)=\"([^\"]+)\"", re.IGNORECASE)
HTML_ANCHOR = re.compile(r"<a\s[^>]*?(?:id|name)=\"([^\"]+)\"", re.IGNORECASE)
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")


def slug(heading):
    """The anchor GitHub gives a heading: its text as shown, lower case, each space a hyphen,
    punctuation dropped; letters of any script (Vietnamese's among them) and digits kept."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text only
    text = re.sub(r"<[^>]+>", "", text).replace("`", "").replace("*", "")
    text = unicodedata.normalize("NFC", text).lower()
    text = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LNM")
    return text.replace(" ", "-")


def prose_lines(path):
    """The lines of a Markdown file outside fenced code blocks, numbered, inline code
    blanked out."""
    fenced = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield number, INLINE_CODE.sub("", line)


def anchors(path):
    """Every anchor a Markdown file offers: its headings' slugs (a repeated one numbered, as
    GitHub does) and any explicit <a id/name>."""
    found, seen = set(), {}
    for _, line in prose_lines(path):
        if match := HEADING.match(line):
            base = slug(match.group(2))
            n = seen.get(base, 0)
            seen[base] = n + 1
            found.add(base if n == 0 else f"{base}-{n}")
        found.update(HTML_ANCHOR.findall(line))
    return found


def targets(path):
    for number, line in prose_lines(path):
        for target in LINK.findall(line) + HTML_TARGET.findall(line):
            yield number, target
        if match := REFERENCE.match(line):
            yield number, match.group(1)


def pages(folder):
    readme = folder / "README.md"
    return [readme] + sorted((folder / "docs").rglob("*.md"))


def problems(folder):
    """What is wrong with the documentation under `folder`, one line each (empty: nothing)."""
    folder = Path(folder)
    found = []
    size = (folder / "README.md").stat().st_size
    if size > README_MAX_BYTES:
        found.append(f"README.md is {size} bytes, more than {README_MAX_BYTES}")
    linked = set()
    for page in pages(folder):
        where = page.relative_to(folder)
        for number, target in targets(page):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
                continue  # https:, mailto:: not ours to check here
            file_part, _, anchor = unquote(target).partition("#")
            resolved = (page.parent / file_part).resolve() if file_part else page
            if not resolved.exists():
                found.append(f"{where}:{number}: {target} does not exist")
                continue
            if resolved.is_dir():
                resolved = resolved / "README.md"
                if not resolved.exists() and anchor:
                    found.append(f"{where}:{number}: {target} is a folder without README.md")
                    continue
            if resolved != page:
                linked.add(resolved)
            if anchor:
                if resolved.suffix != ".md":
                    found.append(f"{where}:{number}: {target} has an anchor but is no Markdown")
                elif anchor not in anchors(resolved):
                    found.append(f"{where}:{number}: {target}: no heading "
                                 f"#{anchor} in {resolved.relative_to(folder)}")
    for page in pages(folder)[1:]:
        if page.resolve() not in linked:
            found.append(f"{page.relative_to(folder)} is linked from no other page")
    return found


def test_every_link_image_and_anchor_resolves_and_readme_is_short():
    assert problems(ROOT) == []


def test_slugs_follow_github():
    assert slug("Task tracking (theo dõi nhiệm vụ, Báo cáo 1270/BC-TCTTTg)") == (
        "task-tracking-theo-dõi-nhiệm-vụ-báo-cáo-1270bc-tctttg")
    assert slug("Single sign-on (OpenID Connect)") == "single-sign-on-openid-connect"
    assert slug("`make bench`") == "make-bench"
    assert slug("Để ghi biên bản một buổi làm việc") == "để-ghi-biên-bản-một-buổi-làm-việc"


def broken_copy(tmp_path):
    """README.md and docs/ copied, Markdown only (pictures and the source files the pages
    link to are checked for existence, so the copy makes an empty file for each)."""
    linked = set((ROOT / "docs").rglob("*.png"))
    for page in pages(ROOT):
        copy = tmp_path / page.relative_to(ROOT)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(page, copy)
        linked |= {(page.parent / unquote(target).partition("#")[0]).resolve()
                   for _number, target in targets(page) if not target.startswith("#")}
    for path in linked:
        if path.is_file() and path.suffix != ".md" and ROOT in path.parents:
            copy = tmp_path / path.relative_to(ROOT)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.touch()
    assert problems(tmp_path) == []
    return tmp_path


def test_a_broken_link_a_missing_picture_and_a_wrong_anchor_are_caught(tmp_path):
    folder = broken_copy(tmp_path)
    page = folder / "docs" / "operations.md"
    text = page.read_text(encoding="utf-8")
    n = len(text.splitlines())
    page.write_text(text + "[gone](configuration.md#no-such-heading)\n[moved](no-such-file.md)\n"
                    "![picture](screenshots/missing.png)\n[here](#no-heading-here)\n",
                    encoding="utf-8")
    assert problems(folder) == [
        f"docs/operations.md:{n + 1}: configuration.md#no-such-heading: no heading "
        "#no-such-heading in docs/configuration.md",
        f"docs/operations.md:{n + 2}: no-such-file.md does not exist",
        f"docs/operations.md:{n + 3}: screenshots/missing.png does not exist",
        f"docs/operations.md:{n + 4}: #no-heading-here: no heading #no-heading-here in "
        "docs/operations.md",
    ]


def test_an_orphan_page_and_a_long_readme_are_caught(tmp_path):
    folder = broken_copy(tmp_path)
    (folder / "docs" / "orphan.md").write_text("# Nobody links here\n", encoding="utf-8")
    readme = folder / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "x" * README_MAX_BYTES,
                      encoding="utf-8")
    assert problems(folder) == [
        f"README.md is {readme.stat().st_size} bytes, more than {README_MAX_BYTES}",
        "docs/orphan.md is linked from no other page",
    ]


def test_links_in_code_are_not_links(tmp_path):
    folder = broken_copy(tmp_path)
    page = folder / "docs" / "api.md"
    page.write_text(page.read_text(encoding="utf-8")
                    + "\n`[not a link](nowhere.md)`\n\n```\n[nor this](nowhere.md)\n```\n",
                    encoding="utf-8")
    assert problems(folder) == []
