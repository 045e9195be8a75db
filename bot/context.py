"""Opening the catalog and engine for a command: one place for locations and model choice."""

from __future__ import annotations

import os
from collections.abc import Callable
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
        """The catalog on disk, parsed and validated: for builds and maintainer commands."""
        from catalog import load_catalog

        return load_catalog(self.catalog_dir)

    def served_catalog(self) -> Catalog:
        """The catalog the served index was built from; the live one when there is no index."""
        from index.errors import IndexProblem
        from index.store import current_version, load_snapshot

        try:
            return load_snapshot(current_version(self.index_dir))
        except IndexProblem:
            return self.catalog()

    announce: Callable[[str], None] | None = None

    def embedder(self, building: bool = False) -> Embedder:
        """The fast ONNX encoder when it can run, else sentence-transformers (with a notice).

        ``building``: also export the ONNX model if missing (seconds, imports torch).
        Queries never export: they fall back and say so.
        """
        from index.embedder import default_embedder

        return default_embedder(self.model, export=building, announce=self.announce)

    def engine(self, progress: Progress | None = None) -> Engine:
        """The served index, built first when missing or damaged."""
        from index import Engine
        from index.errors import IndexProblem
        from index.store import current_version

        try:
            current_version(self.index_dir)
            building = False
        except IndexProblem:  # a build is due anyway: export the fast encoder with it
            building = True
        embedder = self.embedder(building)
        preload = getattr(embedder, "preload", None)
        if callable(preload):
            preload()  # loads the model while the catalog and BM25 are read
        # The folder, not a parsed catalog: serving reads the snapshot stored with the index.
        return Engine.open(self.catalog_dir, embedder, self.index_dir, progress=progress)
