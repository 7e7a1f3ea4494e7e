#!/usr/bin/env python3
"""`gpubench check --junit` on the real H200 runs: the file parses as XML, has the shape CI systems
read (testsuites > testsuite > testcase, counts that add up, a zone-less timestamp), and marks the
contended run's FFMA check, and only it, as a failure.
Usage: check_junit_test.py PATH/TO/gpubench. Exit codes: 0 pass, 1 fail."""
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree

gpubench = sys.argv[1]
fixtures = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "runs",
                        "h200-b376421")
runs = [os.path.join(fixtures, name) for name in ("full.json", "quick1.json", "contended.json")]

with tempfile.TemporaryDirectory() as tmp:
    junit = os.path.join(tmp, "check.xml")
    result = subprocess.run([gpubench, "check", "--junit", junit, *runs], capture_output=True,
                            text=True, check=False)
    if result.returncode != 1:
        sys.exit(f"FAILED: exit {result.returncode}, not 1 (a FAIL): {result.stderr}")
    root = ElementTree.parse(junit).getroot()

failures = []
assert root.tag == "testsuites", root.tag
suites = root.findall("testsuite")
assert len(suites) == 3, len(suites)
for suite in suites:
    cases = suite.findall("testcase")
    assert int(suite.get("tests")) == len(cases), suite.attrib
    assert int(suite.get("failures")) == len(suite.findall("testcase/failure")), suite.attrib
    assert int(suite.get("skipped")) == len(suite.findall("testcase/skipped")), suite.attrib
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", suite.get("timestamp")), suite.attrib
    for case in cases:
        assert case.get("name") and case.get("classname") and case.get("time") == "0", case.attrib
        if case.find("failure") is not None:
            failures.append((suite.get("name"), case.get("name")))
assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites), root.attrib
assert len(failures) == 1 and failures[0][1] == "ffma" and "contended.json" in failures[0][0], failures
print("PASSED: the JUnit file parses; counts add up; the one failure is contended.json's ffma")
