#!/usr/bin/env python3
"""Every link in README.md and docs/*.md resolves: a relative file or folder exists in the tree,
and an anchor (#section) names a heading of the Markdown page it points into, spelt as GitHub
spells heading anchors. Links to other sites are left alone (nothing here reaches the network);
code spans and fenced code blocks are not links.

Usage: check_links.py [REPO_ROOT]. Exit 0 when every link resolves, 1 otherwise (each broken link
on its own line: file:line: target: why), 2 bad arguments."""

import re
import sys
from pathlib import Path

LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^\s*(```|~~~)")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def prose_lines(text):
    """(line number, line) outside fenced code blocks, with code spans blanked."""
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield number, CODE_SPAN.sub("", line)


def slug(heading):
    """GitHub's anchor for a heading: lower case, punctuation but '-' and '_' dropped, spaces to
    '-'; inline code keeps its text."""
    text = heading.strip().lower().replace("`", "")
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link in a heading keeps its text
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path):
    """Every heading anchor of a Markdown file, with GitHub's -1, -2 suffixes for repeats."""
    seen = {}
    found = set()
    fenced = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else HEADING.match(line)
        if match:
            base = slug(match.group(2))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    return found


def check_file(path, root):
    problems = []
    text = path.read_text(encoding="utf-8")
    for number, line in prose_lines(text):
        for match in LINK.finditer(line):
            target = match.group(1)
            if EXTERNAL.match(target):
                continue
            where = f"{path.relative_to(root)}:{number}: {target}"
            file_part, _, anchor = target.partition("#")
            linked = (path.parent / file_part if file_part else path).resolve()
            if root not in (linked, *linked.parents):
                problems.append(f"{where}: points outside the repository")
            elif not linked.exists():
                problems.append(f"{where}: no such file")
            elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                problems.append(f"{where}: no heading with that anchor in {linked.name}")
    return problems


def check(root):
    # Resolved once, so that a relative root ("." from the command line) and the absolute one ctest
    # passes give the same answers: an anchor-only link's page is then absolute like any other.
    root = Path(root).resolve()
    pages = [root / "README.md", *sorted((root / "docs").glob("*.md"))]
    problems = []
    for page in pages:
        if page.exists():
            problems.extend(check_file(page, root))
    return problems


def main():
    if len(sys.argv) > 2:
        print("usage: check_links.py [REPO_ROOT]", file=sys.stderr)
        return 2
    root = Path(sys.argv[1] if len(sys.argv) == 2 else Path(__file__).resolve().parent.parent)
    problems = check(root)
    for problem in problems:
        print(problem)
    if not problems:
        print("ok: every link in README.md and docs/ resolves")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
