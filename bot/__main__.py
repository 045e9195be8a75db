"""``python -m bot`` and the ``studybot`` console script."""

from __future__ import annotations

import os
import sys


def run() -> None:
    """Run the command line, then leave without the interpreter's module teardown.

    Unloading numpy, scipy, FAISS and onnxruntime at exit costs 0.15-0.2 s per command and
    does nothing useful: output is flushed here and every file is written atomically.
    """
    from catalog.gc_pause import gc_paused

    with gc_paused():  # its modules live as long as the process: nothing to collect in them
        from bot.terminal.cli import main

    try:
        main()
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        if isinstance(exit_.code, str):
            print(exit_.code, file=sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 1
    os._exit(code)


if __name__ == "__main__":
    run()
