"""Opening the catalog and engine for a command: one place for locations and model choice."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from index.locations import DEFAULT_MODEL, default_catalog_dir, default_index_dir

if TYPE_CHECKING:
    from catalog import Catalog
    from index import Embedder, Engine
    from index.build import Progress


@dataclass
class Locations:
    catalog_dir: Path
    index_dir: Path
    model: str

    @classmethod
    def from_options(
        cls, catalog_dir: str | None, index_dir: str | None, model: str | None = None
    ) -> Locations:
        return cls(
            Path(catalog_dir).expanduser() if catalog_dir else default_catalog_dir(),
            Path(index_dir).expanduser() if index_dir else default_index_dir(),
            model or os.environ.get("STUDYBOT_MODEL") or DEFAULT_MODEL,
        )

    def catalog(self) -> Catalog:
        from catalog import load_catalog

        return load_catalog(self.catalog_dir)

    def embedder(self) -> Embedder:
        from index.embedder import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(self.model)

    def engine(self, progress: Progress | None = None) -> Engine:
        """The served index, built first when missing or damaged."""
        from index import Engine

        return Engine.open(self.catalog(), self.embedder(), self.index_dir, progress=progress)
