"""Topic 5 (Building and protecting brands of agricultural products): the assignment ``topic05``."""

from assignment_support import AssignmentChecks


class TestRoundTrip(AssignmentChecks):
    """The exercises, example submissions and scores of ``topic05`` under stock nbgrader."""

    assignment = "topic05"
