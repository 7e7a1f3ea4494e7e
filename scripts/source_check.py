"""The command line of the source checks (check_sizes.py, check_includes.py): check the tree named
by the first argument (the repository by default), print each problem, exit 1 if there are any."""

import sys
from pathlib import Path


def run_check(check, broken, kept):
    """check(root) -> problems; `broken` follows their count, `kept` is printed when there are none."""
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
    problems = check(root)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} {broken}")
        return 1
    print(kept)
    return 0
