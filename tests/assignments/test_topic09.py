"""Topic 9 (Process, procedures and documents to prove participation): the assignment ``topic09``."""

from assignment_support import AssignmentChecks


class TestRoundTrip(AssignmentChecks):
    """The exercises, example submissions and scores of ``topic09`` under stock nbgrader."""

    assignment = "topic09"
