"""Topic 3 (Production and business plans for OCOP products): the assignment ``topic03``."""

from assignment_support import AssignmentChecks


class TestRoundTrip(AssignmentChecks):
    """The exercises, example submissions and scores of ``topic03`` under stock nbgrader."""

    assignment = "topic03"
