"""Catalog -> the documents we embed and score: one per resource, one per note passage."""

from __future__ import annotations

import hashlib

from catalog import Catalog, Resource
from catalog.derived import Derived
from index.chunking import chunks, sections
from index.results import Document


def resource_text(resource: Resource) -> str:
    """Title first (it carries the most signal), then what a learner would search for."""
    topics = ", ".join(t.replace("-", " ") for t in resource.topics)
    kind = resource.kind.replace("-", " ")
    # Aliases are the names learners use ("the DPO paper"): words a question may carry.
    aliases = f" Also known as: {'; '.join(resource.aliases)}." if resource.aliases else ""
    # Learners' questions it answers put their words beside the description's (doc2query).
    asked = f" Answers: {'; '.join(resource.questions)}." if resource.questions else ""
    return (
        f"{resource.title}.{aliases} {resource.description}{asked} {resource.why} "
        f"Topics: {topics}. A {resource.level} {kind} by {resource.author}."
    )


def resource_document(resource: Resource) -> Document:
    return Document(
        id=f"resource:{resource.id}",
        kind="resource",
        ref=resource.id,
        text=resource.description,
        indexed=resource_text(resource),
        heading=resource.title,
    )


# An entry reloaded unchanged is the same object: its document is made once.
_documents = Derived(resource_document)


def build_documents(catalog: Catalog) -> list[Document]:
    documents = [_documents(resource) for resource in catalog.resources]
    for note in catalog.notes:
        position = 0
        for section in sections(note):
            for chunk in chunks(section.text):
                body = catalog.resolve_references(chunk)
                documents.append(
                    Document(
                        id=f"note:{note.id}#{position}",
                        kind="passage",
                        ref=note.id,
                        text=chunk,
                        # The note title and heading give a short passage its context.
                        indexed=f"{note.title}: {section.heading}. {body}",
                        heading=section.heading,
                        position=position,
                    )
                )
                position += 1
    return documents


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


# Resource documents are reused (above): their text is hashed once.
document_hash: Derived[Document, str] = Derived(lambda document: text_hash(document.indexed))
