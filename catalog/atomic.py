"""Files written whole or not at all: a temporary file renamed into place."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Readers see the old file or the new one, never half of one; the temporary name is this
    process's own, so two processes saving the same file never share one."""
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
