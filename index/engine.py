"""The Engine: one object both front ends call for answers, searches and learning paths.

Synchronous and immutable once loaded: the bot runs it in a worker thread and swaps in a new
Engine after a rebuild, so questions keep being answered while an index builds.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from catalog import LEVEL_RANK, Catalog, CatalogError, Resource
from index.answering import compose_answer
from index.build import Progress, build_index
from index.embedder import Embedder
from index.errors import BuildFailed, IndexCorrupt, IndexNotBuilt, PolicyChanged
from index.freshness import catalog_changes, stale_notice
from index.glossary import to_english
from index.language import foreign_language
from index.lexical import LexicalIndex
from index.names import NameIndex, NameMatch, is_lookup
from index.other_fields import closeness, field_vectors
from index.paths import find_topic, learning_path
from index.policy import AnswerPolicy, policy_for
from index.query import Query, with_context
from index.quotes import ScoredSection, scored_sections
from index.ranking import rankable, relevant, resource_hit
from index.read_ahead import read_ahead
from index.results import Answer, BuildReport, Document, LearningPath, ResourceHit
from index.retrieval import CANDIDATES, Candidate, Retriever
from index.shorthand import expand_shorthand
from index.store import current_version, load_snapshot, load_tables, load_version
from index.terms import stem

MAX_QUERY_CHARS = 1000


@dataclass(frozen=True)
class IndexStatus:
    index_dir: str
    version: str
    manifest: dict[str, Any]
    stale: bool
    notices: tuple[str, ...]


class Engine:
    # True when the catalog on disk differs from the snapshot this engine serves.
    stale: bool = False

    def __init__(
        self,
        catalog: Catalog,
        embedder: Embedder,
        documents: Sequence[Document],
        retriever: Retriever,
        names: NameIndex,
        manifest: dict[str, Any],
        index_dir: Path,
        version: str = "",
        notices: Sequence[str] = (),
    ) -> None:
        self.catalog = catalog
        self.embedder = embedder
        self.documents = documents
        self.retriever = retriever
        self.manifest = manifest
        self.index_dir = index_dir
        self.version = version
        self.notices = tuple(notices)
        self.names = names
        stored = manifest.get("policy")
        self.policy = AnswerPolicy.from_json(stored) if stored else policy_for(embedder.name)
        self.other_fields = field_vectors(self.policy, embedder)
        self._questions = 0

    # ---- construction -------------------------------------------------------------------

    @classmethod
    def load(
        cls,
        index_dir: Path,
        catalog: Catalog | Path | None,
        embedder: Embedder,
        any_policy: bool = False,
    ) -> Engine:
        """The published index and the catalog snapshot stored with it.

        ``catalog`` (a loaded catalog, or the catalog folder, checked by file stats) is only
        compared with the snapshot, never served: a broken edit cannot stop answers.
        Raises IndexNotBuilt, IndexCorrupt (PolicyChanged unless ``any_policy``: an index
        always answers with the policy written into it) or BadIndexLocation.
        """
        version = current_version(index_dir)
        manifest, documents, dense = load_version(version)
        lexicon, names, asked = load_tables(version, manifest, len(documents))
        if manifest.get("model") != embedder.name:
            raise IndexCorrupt(
                f"index was built with {manifest.get('model')!r}, not {embedder.name!r}: rebuild it"
            )
        served = load_snapshot(version)
        notices = []
        # The fallback encoder says why the fast one is not in use (see index.embedder).
        fallback = getattr(embedder, "notice", None)
        if fallback:
            notices.append(str(fallback))
        policy = manifest.get("policy") or {}
        if policy != policy_for(embedder.name).to_json():
            # A newer studybot fitted a new policy: rebuild, so the index carries the one it uses.
            if not any_policy:
                raise PolicyChanged("the answer policy changed since the index was built")
            notices.append("answering with the index's older answer policy until it is rebuilt")
        if policy.get("model") != embedder.name:
            notices.append(
                f"no answer policy was fitted for {embedder.name!r}: answers weigh words only, "
                "not cosine (see index/policy.py)"
            )
        changes = catalog_changes(served, catalog)
        if changes:
            notices.append(stale_notice(changes, str(manifest.get("built_at", "?"))))
        engine = cls(
            served,
            embedder,
            documents,
            Retriever(documents, dense, LexicalIndex(lexicon), asked),
            names,
            manifest,
            index_dir,
            version.name,
            notices,
        )
        engine.stale = bool(changes)
        return engine

    @classmethod
    def build(
        cls,
        catalog: Catalog,
        embedder: Embedder,
        index_dir: Path,
        full: bool = False,
        progress: Progress | None = None,
    ) -> tuple[Engine, BuildReport]:
        report, _ = build_index(catalog, embedder, index_dir, full=full, progress=progress)
        return cls.load(index_dir, catalog, embedder), report

    @classmethod
    def open(
        cls,
        catalog: Catalog | Path,
        embedder: Embedder,
        index_dir: Path,
        progress: Progress | None = None,
    ) -> Engine:
        """Load the index, building it when it is missing, damaged or from another model.

        With a folder, the catalog's YAML is parsed only when a build is due.
        """
        try:
            return cls.load(index_dir, catalog, embedder)
        except IndexNotBuilt:
            engine, _ = cls.build(
                _loaded(catalog, index_dir), embedder, index_dir, progress=progress
            )
            return engine
        except IndexCorrupt as error:
            try:
                engine, _ = cls.build(
                    _loaded(catalog, index_dir), embedder, index_dir, progress=progress
                )
            except (CatalogError, BuildFailed):
                if not isinstance(error, PolicyChanged):
                    raise
                # Only the policy is old: while the catalog is broken, the old index answers.
                return cls.load(index_dir, catalog, embedder, any_policy=True)
            engine.notices = (f"rebuilt the index: {error}", *engine.notices)
            return engine

    # ---- queries --------------------------------------------------------------------------

    def answer(self, question: str, k: int = 5) -> Answer:
        return self.answer_many([question], k)[0]

    def answer_many(
        self, questions: Sequence[str], k: int = 5, mode: str = "fused"
    ) -> list[Answer]:
        """Answers in order; all questions are embedded in one batch.

        ``mode`` (fused, dense or lexical) exists to measure each retriever alone.
        """
        self._questions += 1
        if self._questions == 2:  # serving, not a one-question process: read it all now
            read_ahead(self.documents, self.catalog, self.retriever.stems)
        started = time.perf_counter()
        read = self._read(questions)
        embed_ms = (time.perf_counter() - started) * 1000 / max(1, len(read))
        answers = []
        for question, language, query, vector in read:
            t0 = time.perf_counter()
            answer = self._answer(question, query, vector, k, mode, language)
            search_ms = (time.perf_counter() - t0) * 1000
            answer.timings_ms.update(
                embed=round(embed_ms, 2),
                search=round(search_ms, 2),
                total=round(embed_ms + search_ms, 2),
            )
            answers.append(answer)
        return answers

    def ranking_features(
        self, questions: Sequence[str]
    ) -> list[list[tuple[str, dict[str, float]]]]:
        """For each question, the resources that may be recommended and what the relevance
        model ranks them by: what ``tests.eval.fit`` fits it on."""
        return [
            [
                (resource.id, features)
                for _, resource, features in rankable(query, candidates, self.catalog, self.policy)
            ]
            for _, query, candidates, _ in self._retrieved(questions)
        ]

    def sections(self, questions: Sequence[str]) -> list[list[ScoredSection]]:
        """For each question, the note sections that may be quoted, best first (none for a
        lookup): what ``tests.eval.fit`` fits the quote gate on."""
        return [
            []
            if is_lookup(question, query.kind, names)
            else scored_sections(query, candidates, self.policy)
            for question, query, candidates, names in self._retrieved(questions)
        ]

    def _retrieved(
        self, questions: Sequence[str]
    ) -> Iterator[tuple[str, Query, list[Candidate], list[NameMatch]]]:
        """Each question, as read, its fused candidates and the resources it names, for the
        fit's views of answers."""
        for question, _, query, vector in self._read(questions):
            yield question, query, *self._candidates(question, query, vector, "fused")

    def _read(
        self, questions: Sequence[str]
    ) -> list[tuple[str, str | None, Query, np.ndarray[Any, Any]]]:
        """Each question cleaned, its language, how it reads, and its vector (one batch)."""
        cleaned = [_clean(question) for question in questions]
        languages = [foreign_language(question, self._known) for question in cleaned]
        # A question in another language is read as the English words the glossary knows;
        # one in English with its chat shorthand written out ("db recs").
        read = [
            to_english(question, language, self._known)
            if language
            else expand_shorthand(question, self._documents)
            for question, language in zip(cleaned, languages, strict=True)
        ]
        queries = [self.retriever.lexical.analyse(text) for text in read]
        vectors = self._encode([with_context(query.spelled) for query in queries])
        return list(zip(cleaned, languages, queries, vectors, strict=True))

    def _candidates(
        self, question: str, query: Query, vector: np.ndarray[Any, Any], mode: str
    ) -> tuple[list[Candidate], list[NameMatch]]:
        if not question:
            return [], []
        # "Where do I start" searches with what it means here, not with its own few words.
        terms = (
            self.retriever.lexical.analyse(with_context(query.text)).terms
            if query.start
            else query.terms
        )
        candidates = self.retriever.retrieve(
            vector,
            terms,
            mode=mode,
            dense_weight=self.policy.dense_weight,
            asked_weight=self.policy.asked_weight,
        )
        return candidates, self.names.match_any((question, query.spelled))

    def _answer(
        self,
        question: str,
        query: Query,
        vector: np.ndarray[Any, Any],
        k: int,
        mode: str,
        language: str | None = None,
    ) -> Answer:
        candidates, names = self._candidates(question, query, vector, mode)
        return compose_answer(
            query,
            candidates,
            names,
            self.catalog,
            k,
            self.policy,
            other=closeness(self.other_fields, vector),
            language=language,
            question=question,
        )

    def _known(self, word: str) -> bool:
        return self._documents(word) > 0

    def _documents(self, word: str) -> int:
        return self.retriever.lexical.document_frequency(stem(word))

    def search(
        self,
        query: str,
        k: int = 10,
        topic: str | None = None,
        kind: str | None = None,
        level: str | None = None,
        free: bool | None = None,
    ) -> list[ResourceHit]:
        """Resources for ``query`` among those passing the filters; all of them if no query."""
        topic_id = find_topic(self.catalog, topic) if topic else None

        def keep(resource: Resource) -> bool:
            return (
                (topic_id is None or topic_id in resource.topics)
                and (kind is None or resource.kind == kind)
                and (level is None or resource.level == level)
                and (free is None or resource.free == free)
            )

        query = _clean(query)
        if not query:
            allowed = sorted(
                (r for r in self.catalog.resources if keep(r)),
                key=lambda r: (LEVEL_RANK[r.level], r.title.lower()),
            )
            return [ResourceHit(r, 0.0, "filters", "matches the filters") for r in allowed[:k]]
        filtered = any(value is not None for value in (topic_id, kind, level, free))
        limit = len(self.documents) if filtered else max(CANDIDATES, 4 * k)
        vector = self._encode([query])[0]
        hits: list[ResourceHit] = []
        analysed = self.retriever.lexical.analyse(query)
        matches = self.names.match_any((query, analysed.spelled))
        named = {match.resource_id for match in matches}
        for match in matches:
            resource = self.catalog.resource(match.resource_id)
            if resource is not None and keep(resource):
                hits.append(ResourceHit(resource, 1.0, "name", "you asked for it by name"))
        for candidate in self.retriever.retrieve(
            vector, analysed.terms, limit=limit, dense_weight=self.policy.dense_weight
        ):
            document = candidate.document
            resource = self.catalog.resource(document.ref) if document.is_resource else None
            if resource is None or resource.id in named or not keep(resource):
                continue
            if not resource.verified:
                continue
            if not relevant(candidate, self.policy):
                continue
            hits.append(resource_hit(analysed, candidate, resource))
            if len(hits) >= k:
                break
        return hits

    def path(self, topic: str, level: str | None = None) -> LearningPath:
        return learning_path(self.catalog, topic, level)

    def status(self) -> IndexStatus:
        return IndexStatus(
            str(self.index_dir), self.version, self.manifest, self.stale, self.notices
        )

    def _encode(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        present = [text for text in texts if text]
        if not present:
            return np.zeros((len(texts), self.retriever.dense.dim), dtype=np.float32)
        encoded = iter(self.embedder.encode(present))
        zeros = np.zeros(self.retriever.dense.dim, dtype=np.float32)
        return np.vstack([next(encoded) if text else zeros for text in texts])


def _loaded(catalog: Catalog | Path, index_dir: Path) -> Catalog:
    from catalog import load_catalog
    from index.cache import parsed_catalog_dir

    if isinstance(catalog, Catalog):
        return catalog
    return load_catalog(catalog, parsed_catalog_dir(index_dir))


def _clean(text: str) -> str:
    """Questions from chat: collapse whitespace and cap the length the model will see anyway."""
    return " ".join(text.split())[:MAX_QUERY_CHARS]
