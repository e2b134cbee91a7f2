"""Topic 7 (Methods and tools to build a sustainable tourism cooperative model): the assignment ``topic07``."""

from assignment_support import AssignmentChecks


class TestRoundTrip(AssignmentChecks):
    """The exercises, example submissions and scores of ``topic07`` under stock nbgrader."""

    assignment = "topic07"
