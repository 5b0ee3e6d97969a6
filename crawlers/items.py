"""What spiders yield: records with the hash of the payload they came from, state and failures."""

from __future__ import annotations

from dataclasses import dataclass

from vrscope.records import Patent, Standard


@dataclass(frozen=True)
class CrawledRecord:
    """A parsed record plus the SHA-256 of the raw response it came from."""

    record: Patent | Standard
    payload_sha256: str | None = None


@dataclass(frozen=True)
class CrawlState:
    """Progress of one source and query, written after the records before it."""

    source: str
    key: str
    value: str


@dataclass(frozen=True)
class DeadLetter:
    """A response that could not be turned into records; logged, never fatal."""

    source: str
    url: str | None
    error: str
    status: int | None = None
    body: bytes | None = None
