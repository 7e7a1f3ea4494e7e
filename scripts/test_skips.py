#!/usr/bin/env python3
"""Counts the skipped tests in a test report, for a session on a GPU machine (gpu-session.sh).

Reads CTest's JUnit file (`ctest --output-junit FILE`) or GoogleTest's XML
(`gpubench_tests --gtest_output=xml:FILE`). A skip whose reason carries the mark "[other hardware]"
(tests/support/test_support.hpp: another architecture's path, the no-GPU path, a build option) is
right on any machine; every other skip is a GPU test that did not run, and there must be none.
Prints the counts and each counted skip with its reason; exits 1 when any is counted, 2 when the
file cannot be read.
Usage: scripts/test_skips.py REPORT.xml
"""
import sys
import xml.etree.ElementTree as ElementTree

OTHER_HARDWARE_MARK = "[other hardware]"


def skipped_tests(root):
    """(name, reason) of each skipped test case, in either format."""
    for case in root.iter("testcase"):
        skipped = case.find("skipped")
        ctest_not_run = case.get("status") == "notrun"
        gtest_skipped = case.get("result") == "skipped"
        if skipped is None and not ctest_not_run and not gtest_skipped:
            continue
        # CTest keeps the reason in the test's output; GoogleTest in the skip's message.
        output = case.findtext("system-out") or ""
        message = skipped.get("message", "") if skipped is not None else ""
        name = case.get("name", "?")
        if case.get("classname") and case.get("classname") != name:
            name = f"{case.get('classname')}.{name}"
        yield name, f"{message}\n{output}".strip()


def reason_line(reason):
    """The skip's reason: in a test's output, the line after GoogleTest's "FILE:LINE: Skipped"."""
    lines = [line for line in reason.splitlines() if line.strip()]
    for index, line in enumerate(lines[:-1]):
        if line.rstrip().endswith("Skipped"):
            return lines[index + 1].strip()
    return lines[-1].strip() if lines else "no reason given"


def main(arguments):
    if len(arguments) != 1:
        print("usage: test_skips.py REPORT.xml", file=sys.stderr)
        return 2
    try:
        root = ElementTree.parse(arguments[0]).getroot()
    except (OSError, ElementTree.ParseError) as error:
        print(f"test_skips.py: cannot read the test report {arguments[0]} ({error}).",
              file=sys.stderr)
        return 2
    skips = list(skipped_tests(root))
    counted = [(name, reason) for name, reason in skips if OTHER_HARDWARE_MARK not in reason]
    print(f"skipped tests: {len(skips)}, of which {len(skips) - len(counted)} for other hardware; "
          f"GPU skips: {len(counted)} (must be 0)")
    for name, reason in counted:
        print(f"  skipped: {name}: {reason_line(reason)}")
    return 1 if counted else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
