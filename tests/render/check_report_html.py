#!/usr/bin/env python3
"""Checks that a gpubench HTML report is one valid, self-contained document.

Usage: check_report_html.py REPORT.html [MIN_PLOTS]
Parses it with html.parser: a doctype, html/head/title/body, every element closed in order, no
resource outside the file (every src/href is a data: URI or a #fragment), and every image a
base64 PNG that decodes. Prints "ok: N plots"; exit 0 ok, 1 not valid, 2 bad arguments.
"""
import base64
import binascii
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
PNG = b"\x89PNG\r\n\x1a\n"


class Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.seen = set()
        self.doctype = False
        self.errors = []
        self.plots = 0
        self.title = ""

    def handle_decl(self, decl):
        self.doctype = self.doctype or decl.lower() == "doctype html"

    def handle_starttag(self, tag, attrs):
        self.seen.add(tag)
        for name, value in attrs:
            if name in ("src", "href") and value is not None:
                if not (value.startswith("data:") or value.startswith("#")):
                    self.errors.append(f"<{tag}> loads {value[:60]} from outside the file")
        if tag == "img":
            src = dict(attrs).get("src") or ""
            prefix = "data:image/png;base64,"
            if not src.startswith(prefix):
                self.errors.append("an <img> is not an embedded PNG")
            else:
                try:
                    data = base64.b64decode(src[len(prefix):], validate=True)
                except binascii.Error as error:
                    self.errors.append(f"an embedded image is not valid base64 ({error})")
                    data = b""
                if data.startswith(PNG) and len(data) > 100:
                    self.plots += 1
                else:
                    self.errors.append("an embedded image is not a PNG")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "title":
            self.title += data


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as handle:
        text = handle.read()
    checker = Checker()
    checker.feed(text)
    checker.close()
    if not checker.doctype:
        checker.errors.append("no <!DOCTYPE html>")
    for tag in ("html", "head", "title", "body", "table"):
        if tag not in checker.seen:
            checker.errors.append(f"no <{tag}>")
    if not checker.title.strip():
        checker.errors.append("empty <title>")
    if checker.stack:
        checker.errors.append(f"unclosed: {checker.stack}")
    minimum = int(argv[2]) if len(argv) == 3 else 0
    if checker.plots < minimum:
        checker.errors.append(f"{checker.plots} plots embedded, expected at least {minimum}")
    if checker.errors:
        for error in checker.errors:
            print(f"invalid: {error}")
        return 1
    print(f"ok: {checker.plots} plots")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
