"""Exit statuses and the one exception a run raises for a failure it can explain.

Every layer may raise :class:`CommandError`; only the command line turns it into an exit status
and prints its sentence, so a stage never needs to know how it was started.
"""

from __future__ import annotations

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CommandError(Exception):
    """A known failure with an Indonesian sentence for the operator; ``exit_status`` says which
    kind (1 the run failed, 2 bad config or arguments)."""

    def __init__(self, message: str, exit_status: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.exit_status = exit_status
