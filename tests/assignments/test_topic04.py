"""Topic 4 (Building OCOP product stories): the assignment ``topic04``."""

from assignment_support import AssignmentChecks


class TestRoundTrip(AssignmentChecks):
    """The exercises, example submissions and scores of ``topic04`` under stock nbgrader."""

    assignment = "topic04"
