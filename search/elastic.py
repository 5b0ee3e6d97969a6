"""The Elasticsearch engine: versioned indices behind an alias, bulk loading, the same search contract."""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from elasticsearch import ApiError, BadRequestError, Elasticsearch, NotFoundError, helpers

from search import cursor, mlt
from search.backend import (
    Hit,
    IndexDoc,
    IndexingError,
    QueryError,
    SearchQuery,
    SearchResult,
    UnknownDocument,
)
from search.elastic_client import ElasticSettings, make_client
from search.elastic_mapping import (
    DOC_FIELD,
    index_name,
    index_prefix,
    index_settings,
    mappings,
    to_source,
)
from search.elastic_query import (
    SNIPPET_CHARS,
    SNIPPET_FIELDS,
    filter_queries,
    more_like_this_query,
    read_facets,
    read_histogram,
    read_month_histogram,
    search_body,
)
from search.segment import desegment

MAX_REPORTED_ERRORS = 100
PIT_KEEP_ALIVE = "5m"  # how long a cursor stays valid after its last page


@dataclass(frozen=True)
class DocError:
    """A document the cluster refused, and why."""

    id: str
    status: int
    reason: str


class ElasticIndexingError(IndexingError):
    """Some documents were refused; ``errors`` names each one (up to MAX_REPORTED_ERRORS)."""

    def __init__(self, written: int, failed: int, errors: list[DocError]) -> None:
        """Keep the counts and the per-document reasons."""
        shown = "; ".join(f"{e.id}: {e.reason}" for e in errors[:5])
        super().__init__(f"{failed} document(s) refused, {written} written: {shown}")
        self.written = written
        self.failed = failed
        self.errors = errors


def _reason(item: dict[str, Any]) -> tuple[str, int, str]:
    """The id, HTTP status and error reason of one bulk response item."""
    result = next(iter(item.values()))
    error = result.get("error", "")
    if isinstance(error, dict):
        caused = error.get("caused_by", {}).get("reason")
        error = f"{error.get('type', 'error')}: {error.get('reason', '')}"
        error += f" ({caused})" if caused else ""
    return str(result.get("_id", "")), int(result.get("status", 0)), str(error)


class ElasticBackend:
    """SearchBackend on an Elasticsearch alias; each (re)build writes a new versioned index."""

    def __init__(
        self,
        settings: ElasticSettings,
        client: Elasticsearch | None = None,
        shards: int = 1,
        chunk_size: int = 500,
        max_retries: int = 3,
    ) -> None:
        """Prepare a client from the settings (or use the one given); no request is made yet."""
        self.alias = settings.es_index
        self.shards = shards
        self.chunk_size = chunk_size
        self.max_retries = max_retries
        self._client: Elasticsearch | None = client if client is not None else make_client(settings)
        self._pit_supported = True  # until the server says it has no point-in-time API

    # -- plumbing ---------------------------------------------------------------------------

    @property
    def client(self) -> Elasticsearch:
        """The open client, or an error after close()."""
        if self._client is None:
            raise RuntimeError("the search backend is closed")
        return self._client

    def indices(self) -> list[str]:
        """The concrete indices the alias points at (none before the first write)."""
        try:
            found = self.client.indices.get_alias(name=self.alias)
        except NotFoundError:
            return []
        return sorted(found.body)

    def _target(self) -> str:
        """The index writes go to: the alias's index, created (with the alias) when absent."""
        current = self.indices()
        if not current:
            self._refuse_plain_index()
            name = self._create()
            self.client.indices.update_aliases(actions=[{"add": {"index": name, "alias": self.alias}}])
            return name
        if len(current) > 1:
            raise RuntimeError(f"alias {self.alias!r} points at several indices: {', '.join(current)}")
        if not current[0].startswith(index_prefix(self.alias)):
            raise RuntimeError(
                f"{current[0]} was built with another mapping version; run `vrscope index --rebuild`"
            )
        return current[0]

    def _refuse_plain_index(self) -> None:
        """Stop when the alias name is taken by a plain index (the alias could never be created)."""
        if self.client.indices.exists(index=self.alias):
            raise RuntimeError(f"{self.alias!r} is an index, not an alias; delete it or pick another")

    def _create(self) -> str:
        """A new, empty versioned index."""
        name = index_name(self.alias)
        self.client.indices.create(index=name, settings=index_settings(self.shards), mappings=mappings())
        return name

    def _bulk(self, actions: Iterable[dict[str, Any]]) -> int:
        """Stream actions with retries; return how many succeeded, raise listing the refused ones."""
        ok_count, failed = 0, 0
        errors: list[DocError] = []
        for ok, item in helpers.streaming_bulk(
            self.client,
            actions,
            chunk_size=self.chunk_size,
            max_retries=self.max_retries,
            initial_backoff=1,
            raise_on_error=False,
        ):
            doc_id, status, reason = _reason(item)
            if ok or (status == 404 and "delete" in item):
                ok_count += ok
                continue
            failed += 1
            if len(errors) < MAX_REPORTED_ERRORS:
                errors.append(DocError(doc_id, status, reason))
        if failed:
            raise ElasticIndexingError(ok_count, failed, errors)
        return ok_count

    @staticmethod
    def _index_actions(index: str, docs: Iterable[IndexDoc]) -> Iterator[dict[str, Any]]:
        """Bulk index actions with the document id as _id, so re-indexing replaces."""
        for doc in docs:
            yield {"_op_type": "index", "_index": index, "_id": doc.id, "_source": to_source(doc)}

    # -- writing ----------------------------------------------------------------------------

    def index(self, docs: Iterable[IndexDoc]) -> int:
        """Add or replace documents by id; return how many were written."""
        target = self._target()
        try:
            return self._bulk(self._index_actions(target, docs))
        finally:
            self.client.indices.refresh(index=target)

    def rebuild(self, docs: Iterable[IndexDoc]) -> int:
        """Build a new index from docs, then move the alias to it atomically and drop the old ones."""
        old = self.indices()
        if not old:
            self._refuse_plain_index()
        new = self._create()
        try:
            written = self._bulk(self._index_actions(new, docs))
            self.client.indices.refresh(index=new)
            counted = int(self.client.count(index=new)["count"])
            if counted != written:
                raise RuntimeError(f"{new} holds {counted} documents, {written} were written; alias kept")
        except BaseException:
            self.client.indices.delete(index=new, ignore_unavailable=True)
            raise
        self._point_alias(new, old)
        return written

    def _point_alias(self, new: str, old: list[str]) -> None:
        """Move the alias from old to new in one atomic step, then delete the old indices."""
        actions: list[dict[str, Any]] = [{"remove": {"index": name, "alias": self.alias}} for name in old]
        actions.append({"add": {"index": new, "alias": self.alias}})
        self.client.indices.update_aliases(actions=actions)
        for name in old:
            self.client.indices.delete(index=name, ignore_unavailable=True)

    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id; return how many existed."""
        wanted = list(dict.fromkeys(i for i in ids if i))
        if not wanted or not self.indices():
            return 0
        target = self._target()
        try:
            return self._bulk({"_op_type": "delete", "_index": target, "_id": i} for i in wanted)
        finally:
            self.client.indices.refresh(index=target)

    def clear(self) -> None:
        """Remove every document: an empty new index takes the alias over."""
        self.rebuild([])

    def close(self) -> None:
        """Close the client; later calls raise RuntimeError."""
        if self._client is not None:
            self._client.close()
            self._client = None

    # -- reading ----------------------------------------------------------------------------

    def count(self) -> int:
        """How many documents are indexed."""
        try:
            return int(self.client.count(index=self.alias)["count"])
        except NotFoundError:
            return 0

    def get(self, doc_id: str) -> IndexDoc | None:
        """One indexed document, or None."""
        if not doc_id:
            return None
        try:
            found = self.client.get(index=self.alias, id=doc_id, source_includes=[DOC_FIELD])
        except NotFoundError:
            return None
        return IndexDoc.model_validate(found["_source"][DOC_FIELD])

    def _open_pit(self) -> str | None:
        """A point in time on the alias, or None where the server has no such API.

        osmem (the test double) only has OpenSearch's point-in-time API, not Elasticsearch's
        ``POST /<index>/_pit``: cursors there page with search_after on the live index, so a write
        between pages may shift them. On Elasticsearch the pages read one frozen view.
        """
        if not self._pit_supported:
            return None
        try:
            opened = self.client.open_point_in_time(index=self.alias, keep_alive=PIT_KEEP_ALIVE)
        except NotFoundError:
            return None  # no index yet: the search itself answers with nothing
        except (BadRequestError, ApiError):
            self._pit_supported = False
            return None
        return str(opened["id"])

    def _close_pit(self, pit: str) -> None:
        """Release a point in time (best effort: it expires by itself anyway)."""
        try:
            self.client.close_point_in_time(id=pit)
        except ApiError:
            pass

    def search(self, query: SearchQuery) -> SearchResult:
        """Run a query; raise QueryError for malformed user input."""
        state = cursor.read(query, "elastic")
        # Validates first: bad input is a QueryError even without an index.
        body = search_body(query, after=state.after if state else None, paging=state is not None)
        pit = state.pit if state is not None else None
        if state is not None and state.after is None and pit is None:
            pit = self._open_pit()
        target: dict[str, Any] = {"index": self.alias}
        if pit is not None:
            body["pit"] = {"id": pit, "keep_alive": PIT_KEEP_ALIVE}
            target = {}
        try:
            found = self.client.search(**target, body=body).body
        except NotFoundError as exc:
            if pit is not None:
                raise QueryError("the cursor has expired; start again with cursor=*") from exc
            return SearchResult(total=0, hits=[], facets={name: [] for name in query.facets})
        except BadRequestError as exc:
            raise _query_error(exc) from exc
        aggs = found.get("aggregations", {})
        scored = query.sort == "relevance"
        raw_hits = found["hits"]["hits"]
        hits = [_hit(raw, scored, query.highlight) for raw in raw_hits]
        total = int(found["hits"]["total"]["value"])
        next_cursor = None
        if state is not None:
            pit = found.get("pit_id", pit)  # Elasticsearch may hand back a new id for the same view
            done = state.offset + len(hits)
            if raw_hits and done < total:
                last = raw_hits[-1]["sort"]
                update = {"after": last, "pit": pit, "offset": done}
                next_cursor = cursor.encode(state.model_copy(update=update))
            elif pit is not None:
                self._close_pit(pit)
        monthly = query.histogram and query.histogram_interval == "month"
        return SearchResult(
            total=total,
            hits=hits,
            facets=read_facets(aggs, query.facets),
            histogram=read_histogram(aggs) if query.histogram else {},
            histogram_months=read_month_histogram(aggs) if monthly else {},
            next_cursor=next_cursor,
        )

    def more_like_this(
        self,
        doc_id: str | None = None,
        text: str | None = None,
        *,
        doc_type: mlt.DocType | None = None,
        size: int = 10,
        filters: SearchQuery | None = None,
    ) -> SearchResult:
        """Documents most similar to an indexed document or to a text (never the document itself)."""
        mlt.check_request(doc_id, text, size)
        if doc_id is not None:
            source = self.get(doc_id.strip())
            if source is None:
                raise UnknownDocument(f"no indexed document with id {doc_id!r}")
            like, min_doc_freq = mlt.doc_fields(source), mlt.MIN_DOC_FREQ_FOR_DOC
        else:
            like, min_doc_freq = mlt.text_fields(text or ""), mlt.MIN_DOC_FREQ_FOR_TEXT
        wanted = filter_queries(mlt.candidate_filters(doc_type, filters))
        query = more_like_this_query(like, min_doc_freq, doc_id.strip() if doc_id else None, wanted)
        body = {"query": query.to_dict(), "size": size, "track_total_hits": True, "_source": [DOC_FIELD]}
        try:
            found = self.client.search(index=self.alias, body=body).body
        except NotFoundError:
            return SearchResult(total=0, hits=[])
        except BadRequestError as exc:
            raise _query_error(exc) from exc
        hits = [_hit(raw, True, False, plain=True) for raw in found["hits"]["hits"]]
        return SearchResult(total=int(found["hits"]["total"]["value"]), hits=hits)


def _query_error(exc: BadRequestError) -> QueryError:
    """A QueryError carrying the cluster's reason (e.g. too many clauses)."""
    reason = exc.message
    body = exc.body if isinstance(exc.body, dict) else {}
    causes = body.get("error", {}).get("root_cause") or [body.get("error", {})]
    if causes and isinstance(causes[0], dict) and causes[0].get("reason"):
        reason = str(causes[0]["reason"])
    return QueryError(f"the search engine refused the query: {reason}")


def _snippet(raw: dict[str, Any], doc: IndexDoc) -> str:
    """HTML with matched terms in <b>: abstract, else title, else the start of the abstract."""
    marked = raw.get("highlight", {})
    for field in SNIPPET_FIELDS:
        if marked.get(field):
            return desegment(str(marked[field][0]))
    plain = doc.abstract or doc.title
    if len(plain) > SNIPPET_CHARS:
        plain = plain[:SNIPPET_CHARS].rstrip() + "…"
    return html.escape(plain, quote=False)


def _hit(raw: dict[str, Any], scored: bool, snippet: bool, plain: bool = False) -> Hit:
    """One Hit from a raw search hit; plain: the start of the abstract stands in for a highlight."""
    doc = IndexDoc.model_validate(raw["_source"][DOC_FIELD])
    return Hit(
        id=doc.id,
        score=float(raw.get("_score") or 0.0) if scored else 0.0,
        doc_type=doc.doc_type,
        title=doc.title,
        snippet=_snippet(raw, doc) if snippet or plain else "",
        year=doc.year,
        jurisdiction=doc.jurisdiction,
        status=doc.status,
        applicants=doc.applicants,
        techs=doc.techs,
        forms=doc.forms,
        url=doc.url,
    )
