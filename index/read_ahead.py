"""Everything an answer reads of an index version, read at once when a second question comes.

An index version is read lazily: a cold ``studybot ask`` parses only the few dozen documents
and entries its one answer ranks (parsing all 20,000 cost it a fifth of a second). An engine
that answers a second question is serving (the bot, the chat, an evaluation), and each of its
answers at 20,000 entries read ~70 documents and ~35 entries for the first time and took the
stems of the documents' texts and headings (a resource's heading is its title): about 1 ms of
a 7-8 ms answer. So at the second question all of it is read in one pass, as ``index.dense``
makes its half-precision copies at the second search: at 20,000 entries about 1 s once and
120 MB kept (the documents and their stems alone: 0.3 s and 70 MB, but answers then stayed
near 2x the encode, reading ~35 entries each for the first time).
"""

from __future__ import annotations

from collections.abc import Sequence

from catalog import Catalog
from catalog.gc_pause import gc_paused
from index.document_stems import DocumentStems
from index.results import Document
from index.terms import remember_stems, terms


def read_ahead(documents: Sequence[Document], catalog: Catalog, stems: DocumentStems) -> None:
    """Parse every document and entry, and give ``terms.stems_of`` the stems of each document's
    text (from the BM25 table) and heading (split here), which answers weigh."""
    with gc_paused():  # 80,000 objects that live as long as the engine: nothing to collect
        for row, document in enumerate(documents):
            stems.remember(row, document.indexed)
            remember_stems(document.heading, frozenset(terms(document.heading)))
        for _ in catalog.resources:  # each entry is built from its line as it is met
            pass
