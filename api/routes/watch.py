"""Watch lists (a saved search or an applicant set) and their Atom feeds of new and changed documents."""

from __future__ import annotations

import datetime as dt
import typing
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError

from api import atom, paging
from api.deps import SearchDep, SettingsDep, StoreDep, reject_unknown_params
from api.routes.search import build_query
from api.routes.standards import parse_date
from api.schemas import SearchParams
from api.security import WriteKey
from search.backend import Hit, QueryError, SearchBackend
from vrscope import watchlists
from vrscope.store import Store
from vrscope.watchlists import WatchKind, WatchList, WatchListError, WatchListIn

router = APIRouter(prefix="/api/v1/watchlists", tags=["watchlists"])

FEED_SCAN = 1000  # the newest matches (by document date) a feed looks at
FEED_PAGE = 100
WatchId = Annotated[int, Path(ge=1, le=2**63 - 1, description="the watch list's number")]


class WatchListPublic(BaseModel):
    """A stored watch list and where its feed is."""

    id: int
    owner: str
    name: str
    kind: WatchKind
    search: dict[str, list[str]] | None = None
    applicants: list[str] | None = None
    created_at: dt.datetime
    feed: str = Field(description="path of its Atom feed")


class WatchListsPublic(BaseModel):
    """Watch lists, oldest first, one page of them."""

    data: list[WatchListPublic]
    count: int = Field(description="watch lists matching (all pages)")
    next_cursor: str | None = Field(None, description="pass as cursor for the next page; None on the last")


class ListParams(BaseModel):
    """Query parameters of GET /api/v1/watchlists."""

    owner: str | None = Field(default=None, description="only this owner's lists")
    limit: int = Field(default=100, ge=1, le=paging.MAX_LIMIT, description="lists per page")
    cursor: str | None = Field(default=None, max_length=1000,
                               description="'*' or omitted starts; then the previous next_cursor")


class FeedParams(BaseModel):
    """Query parameters of GET /api/v1/watchlists/{id}/feed.atom."""

    since: str | None = Field(default=None, description="only documents new or changed since (YYYY-MM-DD)")
    limit: int = Field(default=50, ge=1, le=500, description="at most this many entries, the latest first")


class FeedEntry(BaseModel):
    """One document in a feed: when it was first seen and last changed, and what changed."""

    id: str
    title: str
    doc_type: str
    published: dt.datetime
    updated: dt.datetime
    summary: str
    url: str | None = None


def _public(item: WatchList) -> WatchListPublic:
    return WatchListPublic(**item.model_dump(), kind=item.kind, feed=f"{router.prefix}/{item.id}/feed.atom")


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list


def search_params(spec: dict[str, list[str]], loc: str = "search") -> SearchParams:
    """The saved query parameters as SearchParams: 400 for unknown names, 422 for bad values."""
    fields = SearchParams.model_fields
    unknown = sorted(set(spec) - set(fields))
    if unknown:
        raise HTTPException(status.HTTP_400_BAD_REQUEST,
                            f"unknown search parameter{'s' if len(unknown) > 1 else ''} "
                            f"{', '.join(map(repr, unknown))}; allowed: {', '.join(sorted(fields))}")
    values = {name: vals if _is_list(fields[name].annotation) else vals[-1] for name, vals in spec.items()}
    try:
        return SearchParams.model_validate(values)
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("body", loc, *e["loc"])}
                                      for e in exc.errors(include_url=False)]) from exc


def _require(store: Store, id_: int) -> WatchList:
    item = watchlists.get(store.conn, id_)
    if item is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no watch list {id_}")
    return item


@router.post("", response_model=WatchListPublic, status_code=status.HTTP_201_CREATED)
def create_watchlist(
    key: WriteKey, item: WatchListIn, store: StoreDep, backend: SearchDep, settings: SettingsDep
) -> WatchListPublic:
    """Save a search (the search API's query parameters) or an applicant set as a watch list.

    The owner is the API key's name: a key creates and deletes only its own owner's lists.
    """
    if item.owner != key.name:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"the API key {key.key_id!r} belongs to {key.name!r}: it may create watch lists "
                            f"only with owner {key.name!r}, not {item.owner!r}")
    if item.search is not None:
        query = build_query(search_params(item.search).model_copy(update={"page": 1, "size": 0}),
                            settings.max_page_size)
        try:  # the engine's own parser: a query it cannot read is refused now, not at every feed read
            backend.search(query.model_copy(update={"facets": [], "histogram": False, "highlight": False}))
        except QueryError as exc:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, f"cannot parse the saved query: {exc}") from exc
    try:
        return _public(watchlists.create(store.conn, item))
    except WatchListError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc


@router.get("", response_model=WatchListsPublic, dependencies=[Depends(reject_unknown_params(ListParams))])
def read_watchlists(params: Annotated[ListParams, Query()], store: StoreDep) -> WatchListsPublic:
    """Every watch list, or one owner's, a page at a time (cursor paging)."""
    owner = params.owner.strip() if params.owner and params.owner.strip() else None
    found = watchlists.list_all(store.conn, owner)
    chunk, following = paging.page(found, params.cursor, params.limit, {"owner": owner})
    return WatchListsPublic(data=[_public(w) for w in chunk], count=len(found), next_cursor=following)


@router.get("/{watch_id}", response_model=WatchListPublic)
def read_watchlist(watch_id: WatchId, store: StoreDep) -> WatchListPublic:
    """One watch list."""
    return _public(_require(store, watch_id))


@router.delete("/{watch_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_watchlist(key: WriteKey, watch_id: WatchId, store: StoreDep) -> Response:
    """Delete a watch list; only a key whose name is the list's owner may."""
    item = _require(store, watch_id)
    if item.owner != key.name:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"watch list {watch_id} belongs to {item.owner!r}; the API key {key.key_id!r} "
                            f"({key.name!r}) cannot delete it")
    if not watchlists.delete(store.conn, watch_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no watch list {watch_id}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _matches(backend: SearchBackend, params: SearchParams, max_page_size: int) -> list[Hit]:
    """The newest matches of the saved search (by document date), up to FEED_SCAN."""
    base = build_query(params.model_copy(update={"page": 1, "size": min(FEED_PAGE, max_page_size)}),
                       max_page_size)
    hits: list[Hit] = []
    while len(hits) < FEED_SCAN:
        page = backend.search(base.model_copy(update={
            "offset": len(hits), "size": FEED_PAGE, "sort": "date_desc", "facets": [], "histogram": False,
            "highlight": False}))
        hits.extend(page.hits)
        if len(page.hits) < FEED_PAGE:
            break
    return hits


def _when(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _describe(changes: list[watchlists.ChangeTuple], new: bool) -> str:
    """What happened to a document, in one line."""
    if changes:
        kind, old, new_value, _ = changes[-1]
        if kind in ("new", "new_draft") and old is None:
            what = "new draft" if kind == "new_draft" else "new document"
            return f"{what} ({new_value})" if new_value else what
        return f"{kind.replace('_', ' ')}: {old or '–'} → {new_value or '–'}"
    return "new document" if new else "document updated"


def feed_entries(backend: SearchBackend, store: Store, item: WatchList, max_page_size: int,
                 since: dt.date | None = None, limit: int = 50) -> list[FeedEntry]:
    """New and changed documents matching a watch list, the latest change first."""
    hits = {h.id: h for h in _matches(backend, search_params(item.query_params), max_page_size)}
    ids = list(hits)
    times = watchlists.document_times(store.conn, ids)
    changes = watchlists.document_changes(store.conn, ids)
    start = dt.datetime.combine(since, dt.time(), dt.UTC) if since else None
    entries = []
    for doc_id, (first_seen, updated_at) in times.items():
        seen = [_when(first_seen), _when(updated_at), *(_when(c[3]) for c in changes.get(doc_id, []))]
        updated = max(seen)
        if start is not None and updated < start:
            continue
        hit = hits[doc_id]
        note = _describe(changes.get(doc_id, []), new=first_seen == updated_at)
        text = " · ".join(str(p) for p in (hit.doc_type, hit.jurisdiction, hit.status, hit.year) if p)
        entries.append(FeedEntry(id=doc_id, title=hit.title or doc_id, doc_type=hit.doc_type,
                                 published=_when(first_seen), updated=updated, summary=f"{note} — {text}",
                                 url=hit.url))
    entries.sort(key=lambda e: (e.updated, e.id), reverse=True)
    return entries[:limit]


def atom_feed(item: WatchList, entries: list[FeedEntry], self_url: str, base_url: str) -> bytes:
    """An Atom 1.0 document (RFC 4287) for a watch list's entries, the latest first."""
    out = []
    for entry in entries:
        doc_url = f"{base_url}api/v1/documents/{quote(entry.id, safe='/')}"
        links = [atom.Link(href=doc_url, type="application/json")]
        if entry.url:
            links.append(atom.Link(href=entry.url, rel="related", type="text/html"))
        out.append(atom.Entry(id=doc_url, title=entry.title, updated=entry.updated, published=entry.published,
                              summary=entry.summary, links=links, categories=[entry.doc_type]))
    return atom.render(atom.Feed(
        id=self_url, title=f"vrscope — {item.name}", author=item.owner,
        subtitle=f"New and changed documents of {item.owner}'s watch list {item.name!r}",
        updated=max((e.updated for e in entries), default=item.created_at),
        links=[atom.Link(href=self_url, rel="self", type="application/atom+xml"),
               atom.Link(href=base_url, type="text/html")],
        entries=out))


@router.get("/{watch_id}/feed.atom", response_class=Response,
            responses={200: {"content": {"application/atom+xml": {}}}},
            dependencies=[Depends(reject_unknown_params(FeedParams))])
def read_feed(watch_id: WatchId, params: Annotated[FeedParams, Query()], request: Request, store: StoreDep,
              backend: SearchDep, settings: SettingsDep) -> Response:
    """An Atom feed of new and changed documents matching the watch list, the latest first."""
    item = _require(store, watch_id)
    since = parse_date("since", params.since)
    entries = feed_entries(backend, store, item, settings.max_page_size, since, params.limit)
    self_url = str(request.url.remove_query_params(["since", "limit"]))
    body = atom_feed(item, entries, self_url, str(request.base_url))
    return Response(body, media_type=atom.MEDIA_TYPE)
