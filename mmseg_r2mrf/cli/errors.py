"""The tools' one error convention: an expected error is a message and an exit status, not a
traceback.

A tool raises :class:`CommandError` (bad arguments or inputs: exit status 2) or
:class:`StepFailed` (a step it started failed: exit status 1) and runs its ``main`` through
:func:`run_main`, which prints ``<tool>: error: <message>`` on stderr and returns the status.
Anything else is a bug and keeps its traceback. Library code below ``cli`` raises ordinary
exceptions (``ValueError``, ``FileNotFoundError``, ...) and never exits.
"""
import os.path as osp
import sys
from typing import Callable, Optional


class CommandError(Exception):
    """A bad argument or input of a command-line tool: exit status 2."""

    exit_status = 2


class StepFailed(CommandError):
    """A step that a tool started (e.g. a training run) failed: exit status 1."""

    exit_status = 1


def run_main(main: Callable[[], Optional[int]], prog: Optional[str] = None) -> int:
    """Run a tool's ``main()`` and turn a :class:`CommandError` into a message and a status.

    Args:
        main (callable): The tool's entry point; an int it returns is the exit status,
            anything else (None, a report) means 0.
        prog (str, optional): Name for the message; defaults to the running script's name.

    Returns:
        int: ``main``'s exit status, or the error's.
    """
    try:
        status = main()
    except CommandError as error:
        name = prog or osp.basename(sys.argv[0]) or 'error'
        print(f'{name}: error: {error}', file=sys.stderr)
        return error.exit_status
    return status if isinstance(status, int) else 0
