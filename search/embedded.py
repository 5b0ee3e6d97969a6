"""The embedded search engine: a persistent tantivy index on local disk."""

from __future__ import annotations

import html
import json
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import tantivy

from search import cursor, mlt
from search.backend import Hit, IndexDoc, QueryError, SearchQuery, SearchResult, UnknownDocument
from search.embedded_query import (
    aggregation_requests,
    aggregations,
    combine,
    filter_queries,
    needs_positions,
    read_facets,
    read_histogram,
    read_month_histogram,
    text_query,
)
from search.embedded_schema import DOC_FIELD, build_schema, register_tokenizers, to_tantivy_doc
from search.embedded_ties import by_id_within_dates
from search.segment import desegment

SNIPPET_CHARS = 240
# Threads that run searches' aggregations while the calling threads find and load their pages of hits
# (tantivy releases the GIL), so a search with facets takes about as long as the slower of the two.
# A phrase query's aggregations go in one request (each request evaluates the query again, which
# for a phrase costs about as much as the counting); a term query's are split in two requests of
# about equal cost, run side by side (embedded_query.aggregation_requests).
AGG_THREADS = 4
# The writer's memory budget, shared by its threads. Memory is taken only as a segment grows, so small
# updates stay small; a bulk load of a million documents makes 4 segments and no merges (256 MB flushed
# ~40 segments and merged every document once), at about the same documents/s (docs/benchmarks.md).
WRITER_HEAP = 2_000_000_000
_SORTS = {"date_desc": tantivy.Order.Desc, "date_asc": tantivy.Order.Asc}


def _total(found: tantivy.SearchResult) -> int:
    """The match count of a search run with count=True (the type stubs omit the attribute)."""
    return int(getattr(found, "count", None) or 0)


class EmbeddedBackend:
    """SearchBackend on a tantivy index directory; the writer is open only while writing."""

    def __init__(
        self,
        index_dir: Path,
        heap_size: int = WRITER_HEAP,
        num_threads: int = 0,
        lock_timeout: float = 30.0,
    ) -> None:
        """Open the index in index_dir, creating it when absent."""
        self.index_dir = Path(index_dir)
        self.heap_size = heap_size
        self.num_threads = num_threads
        self.lock_timeout = lock_timeout
        self.index_dir.mkdir(parents=True, exist_ok=True)
        self._schema = build_schema()
        try:
            self._index: tantivy.Index | None = tantivy.Index(self._schema, path=str(self.index_dir))
        except ValueError as exc:
            raise RuntimeError(
                f"{self.index_dir} holds an index with another schema; remove the directory and rebuild"
            ) from exc
        register_tokenizers(self._idx())
        self._write_lock = threading.Lock()
        self._pool_lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    # -- plumbing ---------------------------------------------------------------------------

    def _idx(self) -> tantivy.Index:
        """The open index, or an error after close()."""
        if self._index is None:
            raise RuntimeError("the search backend is closed")
        return self._index

    def _aggregate(
        self, searcher: tantivy.Searcher, query: tantivy.Query, aggs: dict[str, Any]
    ) -> Future[dict[str, Any]]:
        """Start the aggregations on a worker thread, on the caller's searcher (the same index version)."""
        with self._pool_lock:
            self._idx()  # no new threads once closed
            if self._pool is None:
                self._pool = ThreadPoolExecutor(AGG_THREADS, thread_name_prefix="vrscope-agg")
            pool = self._pool
        return pool.submit(searcher.aggregate, query, aggs)

    def _open_writer(self) -> tantivy.IndexWriter:
        """A writer, waiting a while if another process holds the index lock."""
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                return self._idx().writer(heap_size=self.heap_size, num_threads=self.num_threads)
            except ValueError as exc:
                if "LockBusy" not in str(exc) or time.monotonic() >= deadline:
                    raise RuntimeError(f"cannot open {self.index_dir} for writing: {exc}") from exc
                time.sleep(0.2)

    @contextmanager
    def _writing(self) -> Iterator[tantivy.IndexWriter]:
        """Open a writer, commit on success, roll back on error, always release the lock."""
        with self._write_lock:
            writer = self._open_writer()
            try:
                yield writer
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                # Consumes the writer: merges finish and the lock file is released.
                writer.wait_merging_threads()
            self._idx().reload()

    # -- writing ----------------------------------------------------------------------------

    def index(self, docs: Iterable[IndexDoc]) -> int:
        """Add or replace documents by id; return how many were written."""
        written = 0
        with self._writing() as writer:
            # The lock is held, so the committed state cannot change under us: read it once.
            self._idx().reload()
            committed = self._idx().searcher()
            check_committed = committed.num_docs > 0
            seen: set[int] = set()
            for doc in docs:
                # Deletes only reach documents added before them, so delete + add replaces. A delete
                # costs tantivy far more than an add (each one is looked up in every segment the
                # writer produces), so it is issued only when the id may be there already: written
                # earlier in this call, or committed. (A hash collision only costs a needless delete.)
                key = hash(doc.id)
                if key in seen or (check_committed and committed.doc_freq("id", doc.id) > 0):
                    writer.delete_documents_by_term("id", doc.id)
                seen.add(key)
                writer.add_document(to_tantivy_doc(doc))
                written += 1
        return written

    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id; return how many existed."""
        wanted = list(dict.fromkeys(i for i in ids if i))
        if not wanted:
            return 0
        query = tantivy.Query.term_set_query(self._schema, "id", wanted)
        found = _total(self._idx().searcher().search(query, limit=1, count=True))
        with self._writing() as writer:
            for doc_id in wanted:
                writer.delete_documents_by_term("id", doc_id)
        return found

    def clear(self) -> None:
        """Remove every document."""
        with self._writing() as writer:
            writer.delete_all_documents()

    def close(self) -> None:
        """Drop the index handle; later calls raise RuntimeError."""
        with self._write_lock:
            self._index = None
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    # -- reading ----------------------------------------------------------------------------

    def count(self) -> int:
        """How many documents are indexed."""
        return self._idx().searcher().num_docs

    def get(self, doc_id: str) -> IndexDoc | None:
        """One indexed document, or None."""
        searcher = self._idx().searcher()
        hits = searcher.search(tantivy.Query.term_query(self._schema, "id", doc_id), limit=1).hits
        if not hits:
            return None
        return self._stored(searcher.doc(hits[0][1]))

    @staticmethod
    def _stored(doc: tantivy.Document) -> IndexDoc:
        """The IndexDoc kept in a stored document."""
        data = doc.get_first(DOC_FIELD)
        if not isinstance(data, bytes):
            raise RuntimeError(f"a document in the index has no {DOC_FIELD} field; rebuild the index")
        return IndexDoc.model_validate_json(data)

    def generation(self) -> str:
        """The committed index version (tantivy's opstamp): it changes with every commit."""
        try:
            meta = json.loads((self.index_dir / "meta.json").read_text())
        except (OSError, ValueError):
            return "0"
        return str(meta.get("opstamp", 0))

    def search(self, query: SearchQuery) -> SearchResult:
        """Run a query; raise QueryError for malformed user input."""
        # The cursor is an offset into the results of one index version: tantivy pages past any
        # depth, and a commit between pages (which could shift them) is reported, not hidden.
        state = cursor.read(query, "embedded")
        generation = self.generation() if state is not None else None
        if state is not None and state.generation is not None and state.generation != generation:
            raise QueryError("the index changed since the first page; start again with cursor=*")
        start = state.offset if state is not None else query.offset
        searcher = self._idx().searcher()
        text = text_query(self._schema, query.q)
        full = combine(text, filter_queries(self._schema, query))
        aggs = aggregations(query)
        order = _SORTS.get(query.sort)
        requests = aggregation_requests(aggs, needs_positions(query.q)) if aggs else []
        pending = [self._aggregate(searcher, full, request) for request in requests]
        try:
            # tantivy panics on limit 0, so ask for one hit and drop it when size is 0.
            found = searcher.search(
                full,
                limit=max(query.size, 1),
                offset=start,
                count=True,
                order_by_field="date" if order is not None else None,
                order=order if order is not None else tantivy.Order.Desc,
            )
            page = found.hits[: query.size]
            if order is not None:  # the id breaks ties of dates, as in Elasticsearch
                page = by_id_within_dates(searcher, self._schema, full, order == tantivy.Order.Desc, page,
                                          start, _total(found), lambda a: self._stored(searcher.doc(a)))
            snippets = _Snippets(searcher, self._schema, text) if query.highlight and page else None
            hits = [
                self._hit(searcher, address, float(score) if order is None else 0.0, snippets)
                for score, address in page
            ]
        except BaseException:
            wait(pending)  # the aggregations end before the searcher is let go; this error wins
            raise
        result: dict[str, Any] = {}
        try:
            for part in pending:
                result.update(part.result())
        except BaseException:
            wait(pending)
            raise
        total = _total(found)
        next_cursor = None
        if state is not None and page and start + len(page) < total:
            next_cursor = cursor.encode(
                state.model_copy(update={"offset": start + len(page), "generation": generation})
            )
        monthly = query.histogram and query.histogram_interval == "month"
        return SearchResult(
            total=total,
            hits=hits,
            facets=read_facets(result, query.facets, query.facet_size),
            histogram=read_histogram(result) if query.histogram else {},
            histogram_months=read_month_histogram(result) if monthly else {},
            next_cursor=next_cursor,
        )

    def _hit(
        self,
        searcher: tantivy.Searcher,
        address: tantivy.DocAddress,
        score: float,
        snippets: _Snippets | None,
        plain: bool = False,
    ) -> Hit:
        """One Hit from a stored document: highlighted snippet, the plain start of the text, or none."""
        stored = searcher.doc(address)
        doc = self._stored(stored)
        snippet = snippets.html(stored, doc) if snippets else _plain_snippet(doc) if plain else ""
        return Hit(
            id=doc.id,
            score=score,
            doc_type=doc.doc_type,
            title=doc.title,
            snippet=snippet,
            year=doc.year,
            jurisdiction=doc.jurisdiction,
            status=doc.status,
            applicants=doc.applicants,
            techs=doc.techs,
            forms=doc.forms,
            url=doc.url,
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
            fields, min_doc_freq = mlt.doc_fields(source), mlt.MIN_DOC_FREQ_FOR_DOC
        else:
            fields, min_doc_freq = mlt.text_fields(text or ""), mlt.MIN_DOC_FREQ_FOR_TEXT
        similar = tantivy.Query.more_like_this_document_fields_query(
            self._schema,
            fields,
            min_doc_frequency=min_doc_freq,
            min_term_frequency=mlt.MIN_TERM_FREQ,
            max_query_terms=mlt.MAX_QUERY_TERMS,
            min_word_length=mlt.MIN_WORD_LENGTH,
            stop_words=list(mlt.STOP_WORDS),
        )
        query = combine(similar, filter_queries(self._schema, mlt.candidate_filters(doc_type, filters)))
        if doc_id is not None:
            exclude = tantivy.Query.term_query(self._schema, "id", doc_id.strip())
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, query), (tantivy.Occur.MustNot, exclude)]
            )
        searcher = self._idx().searcher()
        found = searcher.search(query, limit=size, count=True)
        hits = [self._hit(searcher, address, float(score), None, plain=True) for score, address in found.hits]
        return SearchResult(total=_total(found), hits=hits)


class _Snippets:
    """Highlighted fragments: the abstract, else the title, else the start of the abstract."""

    def __init__(
        self, searcher: tantivy.Searcher, schema: tantivy.Schema, text: tantivy.Query | None
    ) -> None:
        """Prepare generators for the text query's terms (none for match-all)."""
        self._generators: list[tantivy.SnippetGenerator] = []
        if text is None:
            return
        for field in ("abstract", "title"):
            generator = tantivy.SnippetGenerator.create(searcher, text, schema, field)
            generator.set_max_num_chars(SNIPPET_CHARS)
            self._generators.append(generator)

    def html(self, stored: tantivy.Document, doc: IndexDoc) -> str:
        """HTML with matched terms in <b>, spaces between Chinese characters removed."""
        for generator in self._generators:
            snippet = generator.snippet_from_doc(stored)
            if snippet.highlighted():
                fragment = snippet.to_html()
                # Only CJK text has segmentation spaces to remove: skip the regex scan for the rest.
                return fragment if fragment.isascii() else desegment(fragment)
        return _plain_snippet(doc)


def _plain_snippet(doc: IndexDoc) -> str:
    """The start of the abstract (else the title), HTML-escaped."""
    plain = doc.abstract or doc.title
    if len(plain) > SNIPPET_CHARS:
        plain = plain[:SNIPPET_CHARS].rstrip() + "…"
    return html.escape(plain, quote=False)
