"""A participant's submit that lands whole in the exchange, or not at all.

nbgrader's own submit copies the assignment straight into the exchange's
``inbound`` folder under its final name (``STUDENT+ASSIGNMENT+TIME+RANDOM``).
When the exchange's disk fills up, or the server is killed, halfway through
the copy, a half-written notebook stays there under a name that collect
takes: the newest entry of that participant, so it even replaces a good
earlier submission. :class:`WholeSubmit` copies into a hidden folder of
``inbound`` first (a name without ``+``, which neither nbgrader's collect nor
:mod:`ocopkit.trainer.hub.intake` takes), then renames it to its final name in
one step (same folder, same filesystem: atomic). On failure it removes what
it wrote and tells the participant, in the cohort's language, that the
submission did not go through.

The hub-wide ``nbgrader_config.py`` that ``ocop hub setup`` writes chooses it
(``c.ExchangeFactory.submit``); it runs in each participant's server.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile

from nbgrader.exchange.abc.exchange import ExchangeError
from nbgrader.exchange.default.submit import ExchangeSubmit

from ...i18n import _

SENDING_PREFIX = ".ocop-sending-"  # no "+": never an inbound entry's name
NO_ROOM = (errno.ENOSPC, errno.EDQUOT)


def no_room(error: OSError) -> bool:
    """Whether the disk (or the quota) was full: shutil.copytree keeps only the text of each file's error."""
    return error.errno in NO_ROOM or any(os.strerror(code) in str(error) for code in NO_ROOM)


def failure_message(error: OSError) -> str:
    """What the participant reads when the copy into the exchange failed."""
    if no_room(error):
        reason = _("the exchange folder on the server is full")
    else:
        reason = error.strerror or str(error)
    return _(
        "Your submission did not go through: {reason}. Nothing was submitted; your work is still in "
        "your folder. Tell your trainer, then submit again."
    ).format(reason=reason)


class WholeSubmit(ExchangeSubmit):
    """nbgrader's submit, made all-or-nothing in the exchange (see the module's docstring)."""

    def copy_files(self):
        inbound, sending = self.inbound_path, None
        try:
            sending = tempfile.mkdtemp(prefix=SENDING_PREFIX, dir=inbound)
            self.inbound_path = sending  # nbgrader writes the whole entry in here, timestamp and secret included
            super().copy_files()
            os.rename(os.path.join(sending, self.assignment_filename), os.path.join(inbound, self.assignment_filename))
        except OSError as error:
            self.log.error("Submission not sent: %s", error)
            raise ExchangeError(failure_message(error)) from None
        finally:
            self.inbound_path = inbound
            if sending:
                shutil.rmtree(sending, ignore_errors=True)
