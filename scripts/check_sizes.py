#!/usr/bin/env python3
"""Size limits of gpubench's code: no source file in bench/, kernels/, tests/ or include/ over 500
lines, no function over 80 lines (tests/fixtures/ holds deliberately broken inputs of the checks and
is passed over). Functions are found by brace matching after comments, strings and preprocessor
lines are blanked: a block whose header ends in ")" (after qualifiers such as const or noexcept) at
namespace or class scope is a function; lambdas count toward the function around them.

Usage: check_sizes.py [REPO_ROOT]. Exit 0 when every file and function keeps the limits or is on
ALLOWED_OVER, 1 otherwise (each violation on its own line), 2 when REPO_ROOT is not a directory or
holds no source file in any of those folders."""

import re
import sys
from pathlib import Path

from source_check import NothingToCheck, run_check

MAX_FILE_LINES = 500
MAX_FUNCTION_LINES = 80
FOLDERS = ("bench", "kernels", "tests", "include")
# Inputs of the source checks' own tests, broken on purpose.
SKIPPED = ("tests/fixtures/",)
SUFFIXES = {".cpp", ".hpp", ".cu", ".cuh", ".h", ".in"}

# Excused from a limit, each with its reason: "path" excuses a file's length, "path:function" one
# function's. Whoever brings it within the limits removes the entry (the check notes a stale one);
# anything else that breaks a limit fails the test.
ALLOWED_OVER: set[str] = set()

SCOPE_KEYWORDS = re.compile(r"\b(namespace|class|struct|union|enum)\b|\bextern\s+\"C\"")
# The end of a number literal so far (a digit not preceded by an identifier character, so not the
# 8 of the u8'x' prefix): a quote right after it separates digits.
DIGIT_SEPARATOR = re.compile(r"(?<![\w.])[0-9][0-9A-Za-z'.]*$")
TRAILING_QUALIFIERS = re.compile(
    r"(\s*(const|noexcept|override|final|mutable|volatile|&&|&)\s*|\s*->\s*[\w:<>,\s*&]+)$")


def blank_code(text):
    """Comments, string and character literals and preprocessor lines replaced by spaces, line
    breaks kept, so brace positions keep their line numbers."""
    out = []
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start and c in " \t":
            out.append(c)
            i += 1
            continue
        if at_line_start and c == "#":
            # A preprocessor line, with its continuations.
            while i < n and not (text[i] == "\n" and text[i - 1] != "\\"):
                out.append("\n" if text[i] == "\n" else " ")
                i += 1
            continue
        at_line_start = False
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                out.append(" ")
                i += 1
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.extend("\n" if ch == "\n" else " " for ch in text[i:end])
            i = end
            continue
        raw = re.match(r'R"([^(\s]*)\(', text[i:i + 20])
        if raw:
            close = text.find(")" + raw.group(1) + '"', i)
            end = n if close < 0 else close + len(raw.group(1)) + 2
            out.append('""')
            out.extend("\n" if ch == "\n" else " " for ch in text[i + 2:end])
            i = end
            continue
        if c == "'" and DIGIT_SEPARATOR.search(text, max(0, i - 64), i):
            # A C++14 digit separator (1'000'000), not the start of a character literal.
            out.append(c)
            i += 1
            continue
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (j - i - 1) + c)
            i = j + 1
            continue
        if c == "\n":
            at_line_start = True
        out.append(c)
        i += 1
    return "".join(out)


def functions(text):
    """(name, first line, line count) of each outermost function body in C++/CUDA source."""
    code = blank_code(text)
    found = []
    stack = []  # "scope" (namespace/class: look inside) or "other" (skip inside)
    header_start = 0
    depth_inside_skip = 0
    i = 0
    while i < len(code):
        c = code[i]
        if depth_inside_skip:
            if c == "{":
                depth_inside_skip += 1
            elif c == "}":
                depth_inside_skip -= 1
                if depth_inside_skip == 0:
                    start_line, name = stack.pop()
                    if name is not None:
                        end_line = code.count("\n", 0, i) + 1
                        found.append((name, start_line, end_line - start_line + 1))
                    header_start = i + 1
            i += 1
            continue
        if c in ";":
            header_start = i + 1
        elif c == "}":
            if stack:
                stack.pop()
            header_start = i + 1
        elif c == "{":
            header = code[header_start:i]
            stripped = header.strip()
            signature = stripped
            while True:
                shorter = TRAILING_QUALIFIERS.sub("", signature)
                if shorter == signature:
                    break
                signature = shorter
            if SCOPE_KEYWORDS.search(stripped) and not signature.endswith(")"):
                stack.append("scope")
                header_start = i + 1
            else:
                is_function = signature.endswith(")") and not re.match(
                    r"^(if|for|while|switch|catch|do|else)\b", stripped)
                name = None
                if is_function:
                    plain = re.sub(r"__launch_bounds__\s*\((?:[^()]|\([^()]*\))*\)", "",
                                   signature)
                    before_paren = re.search(r"([~\w:<>]+)\s*\($", plain[: plain.find("(") + 1])
                    name = before_paren.group(1) if before_paren else plain.split("(")[0]
                offset = len(header) - len(header.lstrip())
                start_line = code.count("\n", 0, header_start + offset) + 1
                stack.append((start_line, name))
                depth_inside_skip = 1
        i += 1
    return found


def check(root):
    problems, seen_allowed, checked = [], set(), 0
    for folder in FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix not in SUFFIXES or not path.is_file():
                continue
            relative = path.relative_to(root).as_posix()
            if relative.startswith(SKIPPED):
                continue
            checked += 1
            text = path.read_text(encoding="utf-8", errors="replace")
            lines = text.count("\n")
            if lines > MAX_FILE_LINES:
                if relative in ALLOWED_OVER:
                    seen_allowed.add(relative)
                else:
                    problems.append(f"{relative}: {lines} lines (limit {MAX_FILE_LINES})")
            for name, line, length in functions(text):
                if length <= MAX_FUNCTION_LINES:
                    continue
                if f"{relative}:{name}" in ALLOWED_OVER:
                    seen_allowed.add(f"{relative}:{name}")
                else:
                    problems.append(f"{relative}:{line}: function {name} is {length} lines "
                                    f"(limit {MAX_FUNCTION_LINES})")
    if checked == 0:
        raise NothingToCheck(f"{root} holds no source file in {'/ or '.join(FOLDERS)}/; "
                             "name the repository root.")
    for stale in sorted(ALLOWED_OVER - seen_allowed):
        if (root / stale.split(":")[0]).exists():
                print(f"note: {stale} keeps the limits now; remove it from ALLOWED_OVER")
    return problems


def main():
    return run_check(check, "size limit(s) broken: split the file or the function.",
                     "every file and function in " + ", ".join(f"{f}/" for f in FOLDERS) +
                     " keeps the size limits")


if __name__ == "__main__":
    sys.exit(main())
