"""The curated catalog: resources, topic notes and the topic vocabulary."""

from catalog.errors import CatalogError, Problem
from catalog.loader import check_catalog, load_catalog
from catalog.models import KINDS, LEVEL_RANK, LEVELS, Catalog, Note, Resource

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
    "load_catalog",
]
