"""For tests that press Ctrl-C on a sigsat process they started."""

from __future__ import annotations

import signal


def ctrl_c_reaches_it() -> None:
    """``preexec_fn`` for such a process: SIGINT back to its default in the child.

    A shell starts a background job (``pytest ... &``, a CI step run that way) with SIGINT
    ignored, the child inherits that, and Python then installs no KeyboardInterrupt handler: the
    test's Ctrl-C would be lost and the test would fail for a reason that is not sigsat's.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
