"""Feedback that never reveals hidden tests.

nbgrader's ``ClearHiddenTests`` removes a hidden test's source from the
feedback, but the traceback of a failed hidden test still quotes the failing
line (nbgrader issue 917). :class:`HideHiddenTracebacks` runs before it and
keeps only the error's name and message, which the test author writes for the
participant ("the total should be 76 points").
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

from .i18n import _


class HideHiddenTracebacks(Preprocessor):
    """Strip the traceback of every test cell that holds a hidden test region."""

    # nbconvert preprocessors are off unless enabled; this one must always run.
    enabled = Bool(True).tag(config=True)
    begin_test_delimeter = Unicode("BEGIN HIDDEN TESTS").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        """Replace each error output's traceback with one line: name and message."""
        if cell.cell_type != "code" or self.begin_test_delimeter not in cell.source:
            return cell, resources
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                message = output.get("evalue") or _("a hidden check did not pass")
                output["traceback"] = [f"{output.get('ename', 'Error')}: {message}"]
        return cell, resources
