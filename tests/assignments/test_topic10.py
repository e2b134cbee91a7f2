"""Topic 10 (Standardizing community-based tourist attractions and services in OCOP): the assignment ``topic10``."""

from assignment_support import AssignmentChecks


class TestRoundTrip(AssignmentChecks):
    """The exercises, example submissions and scores of ``topic10`` under stock nbgrader."""

    assignment = "topic10"
