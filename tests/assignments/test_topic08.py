"""Topic 8 (The OCOP criteria and star ratings): the assignment ``topic08``."""

from assignment_support import AssignmentChecks


class TestRoundTrip(AssignmentChecks):
    """The exercises, example submissions and scores of ``topic08`` under stock nbgrader."""

    assignment = "topic08"
