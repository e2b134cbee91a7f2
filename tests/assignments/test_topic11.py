"""Topic 11 (Digital conversion in the OCOP programme): the assignment ``topic11``."""

from assignment_support import AssignmentChecks


class TestRoundTrip(AssignmentChecks):
    """The exercises, example submissions and scores of ``topic11`` under stock nbgrader."""

    assignment = "topic11"
