"""nbgrader's Execute with a cap on output, so a flood of prints cannot swamp the grader.

Stock nbgrader keeps every byte a kernel prints in memory and in the graded
notebook (its ``LimitOutput`` trims lines only afterwards). ``GuardedExecute``
counts the bytes of every output message as it arrives, drops outputs past
the cap, and then fails the notebook with :class:`OutputLimitExceeded`, so the
submission is reported as failed with the reason instead of a bloated or
silent result. Everything else is nbgrader's own ``Execute``.
"""

from __future__ import annotations

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, Execute, IgnorePattern,
                                    LimitOutput, SaveAutoGrades)
from traitlets import Integer

from .i18n import _


class OutputLimitExceeded(RuntimeError):
    """A notebook printed more than the grader accepts."""


def message_size(msg: dict) -> int:
    """Return the size in bytes of an output message's payload."""
    content = msg.get("content", {})
    if "text" in content:
        return len(content["text"])
    data = content.get("data") or {}
    return sum(len(value) if isinstance(value, str) else len(str(value)) for value in data.values())


class GuardedExecute(Execute):
    """nbgrader's ``Execute`` that stops keeping outputs past ``max_output_bytes``."""

    max_output_bytes = Integer(16 * 1024**2, help="All outputs of one notebook, in bytes.").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        """Execute the notebook, then fail it if its outputs went over the cap."""
        self._output_bytes = 0
        nb, resources = super().preprocess(nb, resources, km)
        if self._output_bytes > self.max_output_bytes:
            raise OutputLimitExceeded(_("the notebook printed {size} MB of output; the limit is {limit} MB").format(
                size=round(self._output_bytes / 1024**2), limit=round(self.max_output_bytes / 1024**2)))
        return nb, resources

    def output(self, outs, msg, display_id, cell_index):
        """Keep an output only while the notebook's total stays under the cap."""
        self._output_bytes += message_size(msg)
        if self._output_bytes > self.max_output_bytes:
            return None
        return super().output(outs, msg, display_id, cell_index)


# nbgrader's autograde pipeline with Execute replaced by GuardedExecute, in nbgrader's order.
AUTOGRADE_PREPROCESSORS = [GuardedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
                           SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
