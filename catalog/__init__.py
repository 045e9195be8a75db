"""The curated catalog: resources, topic notes and the topic vocabulary.

Names load on first use, so a command that only needs the vocabularies skips pydantic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from catalog.vocabulary import KINDS, LEVEL_RANK, LEVELS

_EXPORTS = {
    "CatalogError": "catalog.errors",
    "coverage_rows": "catalog.coverage",
    "coverage_warnings": "catalog.coverage",
    "Problem": "catalog.errors",
    "check_catalog": "catalog.loader",
    "load_catalog": "catalog.loader",
    "Catalog": "catalog.models",
    "Note": "catalog.models",
    "Resource": "catalog.models",
}

__all__ = [
    "KINDS",
    "LEVELS",
    "LEVEL_RANK",
    "Catalog",
    "CatalogError",
    "Note",
    "Problem",
    "Resource",
    "check_catalog",
    "coverage_rows",
    "coverage_warnings",
    "load_catalog",
]

if TYPE_CHECKING:
    from catalog.coverage import coverage_rows, coverage_warnings
    from catalog.errors import CatalogError, Problem
    from catalog.loader import check_catalog, load_catalog
    from catalog.models import Catalog, Note, Resource


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'catalog' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
