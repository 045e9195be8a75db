"""Everything an answer reads of an index version, read at once when a second question comes.

An index version is read lazily: a cold ``studybot ask`` parses only the few dozen documents
and entries its one answer ranks (parsing all 20,000 cost it a fifth of a second). An engine
that answers a second question is serving (the bot, the chat, an evaluation), and each of its
answers at 20,000 entries read ~70 documents and ~35 entries for the first time and took their
stems: about 1 ms of a 7-8 ms answer. So at the second question every document, entry and stem
is read in one pass, as ``index.dense`` makes its half-precision copies at the second search:
at 20,000 entries 0.5-0.8 s once per engine, and about 120 MB that the engine keeps.
"""

from __future__ import annotations

from collections.abc import Sequence

from catalog import Catalog
from catalog.gc_pause import gc_paused
from index.document_stems import DocumentStems
from index.results import Document
from index.terms import remember_stems, terms


def read_ahead(documents: Sequence[Document], catalog: Catalog, stems: DocumentStems) -> None:
    """Parse every document and entry, and give ``terms.stems_of`` each one's stems: the
    documents' from the BM25 table, the titles' (which answers weigh too) split here."""
    with gc_paused():  # 60,000 objects that live as long as the engine: nothing to collect
        for row, document in enumerate(documents):
            stems.remember(row, document.indexed)
        for resource in catalog.resources:
            remember_stems(resource.title, frozenset(terms(resource.title)))
