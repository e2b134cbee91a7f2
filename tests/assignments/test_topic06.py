"""Topic 6 (Post-harvest handling): the assignment ``topic06``."""

from assignment_support import AssignmentChecks


class TestRoundTrip(AssignmentChecks):
    """The exercises, example submissions and scores of ``topic06`` under stock nbgrader."""

    assignment = "topic06"
