#!/usr/bin/env bash
# The grading, hub and browser tests with every core busy, as on a shared trainer's server during a
# deadline: stress-ng keeps one CPU hog per core running for the whole check (make test-busy).
# A test that sleeps a fixed time instead of polling a condition, or a sandbox that lingers after its
# grader, fails here first.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v stress-ng >/dev/null; then
    echo "stress-ng is missing: run make test-busy as root, which installs it (apt-get install stress-ng)" >&2
    exit 1
fi
stress-ng --cpu "$(nproc)" --timeout 3600s --quiet &
hog=$!
trap 'kill "$hog" 2>/dev/null || true; wait "$hog" 2>/dev/null || true' EXIT
# The same scheduling as make test: the machine-wide files (sandbox, hub) as one unit, a file at a time.
PATH="$PWD/.venv/bin:$PATH" MPLBACKEND=Agg .venv/bin/python -m pytest -n auto --dist loadfile -q \
    tests/trainer/sandbox tests/trainer/test_cohort_grading.py tests/trainer/test_cohort_resume.py \
    tests/trainer/test_test_isolation.py tests/trainer/hub tests/test_browser_participant.py \
    tests/test_browser_lab.py tests/trainer/test_browser_feedback.py tests/trainer/test_browser_report.py "$@"
