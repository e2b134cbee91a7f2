"""Topic 2 (Product development tied to local potential and advantages): the assignment ``topic02``."""

from assignment_support import AssignmentChecks


class TestRoundTrip(AssignmentChecks):
    """The exercises, example submissions and scores of ``topic02`` under stock nbgrader."""

    assignment = "topic02"
