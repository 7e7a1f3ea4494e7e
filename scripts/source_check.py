"""The command line of the source checks (check_sizes.py, check_includes.py): check the tree named
by the first argument (the repository by default), print each problem, exit 1 if there are any."""

import sys
from pathlib import Path


class NothingToCheck(Exception):
    """The tree holds none of the files the check reads: a wrong path, not a clean tree."""


def run_check(check, broken, kept):
    """check(root) -> problems; `broken` follows their count, `kept` is printed when there are none.
    Exit 2, with one sentence, when the tree is missing or holds nothing to check."""
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
    if not root.is_dir():
        print(f"{Path(sys.argv[0]).name}: {root} is not a directory; name the repository root.",
              file=sys.stderr)
        return 2
    try:
        problems = check(root)
    except NothingToCheck as error:
        print(f"{Path(sys.argv[0]).name}: {error}", file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} {broken}")
        return 1
    print(kept)
    return 0
