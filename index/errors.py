"""Typed failures of the index, mapped to messages by each front end.

IndexProblem
 ├── IndexNotBuilt     no index at that path yet
 ├── IndexCorrupt      files missing or unreadable: rebuild
 │    └── PolicyChanged  built with an older answer policy: rebuild (or serve it as it is)
 ├── BadIndexLocation  the index folder is a file, or cannot be written
 ├── BuildInProgress   another process holds the build lock
 └── BuildFailed       the build stopped; the previous index still serves
"""

from __future__ import annotations


class IndexProblem(Exception):
    pass


class IndexNotBuilt(IndexProblem):
    pass


class IndexCorrupt(IndexProblem):
    pass


class PolicyChanged(IndexCorrupt):
    pass


class BadIndexLocation(IndexProblem):
    pass


class BuildInProgress(IndexProblem):
    pass


class BuildFailed(IndexProblem):
    pass
