"""Watch lists in the store: create, read, list, delete, and the checks on what a list may hold."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from pydantic import ValidationError

from vrscope import watchlists
from vrscope.records import Standard, StandardStatus
from vrscope.store import Store
from vrscope.watchlists import WatchKind, WatchListError, WatchListIn


def test_create_get_list_delete(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        saved = watchlists.create(store.conn, WatchListIn(
            owner=" li ", name="pancake optics", search={"q": "pancake", "tech": "near_eye_display",
                                                          "relevant_only": True, "year_from": 2020}))
        assert saved.id > 0 and saved.owner == "li" and saved.kind is WatchKind.SEARCH
        # single values are kept the way a query string carries them: lists of strings
        assert saved.search == {"q": ["pancake"], "tech": ["near_eye_display"], "relevant_only": ["true"],
                                "year_from": ["2020"]}
        rivals = watchlists.create(store.conn, WatchListIn(owner="wang", name="rivals",
                                                           applicants=["GOERTEK", " GOERTEK", "PICO", ""]))
        assert rivals.applicants == ["GOERTEK", "PICO"] and rivals.kind is WatchKind.APPLICANTS
        assert rivals.query_params == {"applicant": ["GOERTEK", "PICO"]}
        assert watchlists.get(store.conn, saved.id) == saved
        assert [w.name for w in watchlists.list_all(store.conn)] == ["pancake optics", "rivals"]
        assert [w.name for w in watchlists.list_all(store.conn, "wang")] == ["rivals"]
        assert watchlists.delete(store.conn, saved.id) is True
        assert watchlists.delete(store.conn, saved.id) is False
        assert watchlists.get(store.conn, saved.id) is None


def test_one_name_per_owner(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        watchlists.create(store.conn, WatchListIn(owner="li", name="x", applicants=["PICO"]))
        with pytest.raises(WatchListError, match="already has a watch list named 'x'"):
            watchlists.create(store.conn, WatchListIn(owner="li", name="x", search={"q": "vr"}))
        assert watchlists.create(store.conn, WatchListIn(owner="wang", name="x", applicants=["PICO"])).id


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"owner": "li", "name": "x"}, "either 'search'"),
        ({"owner": "li", "name": "x", "search": {"q": "vr"}, "applicants": ["PICO"]}, "either 'search'"),
        ({"owner": "li", "name": "x", "applicants": [" ", ""]}, "at least one applicant"),
        ({"owner": " ", "name": "x", "applicants": ["PICO"]}, "blank"),
        ({"owner": "li", "name": "", "applicants": ["PICO"]}, "at least 1 character"),
        ({"owner": "li", "name": "x", "search": {"q": {"nested": 1}}}, "text, a number or a list"),
        ({"owner": "li", "name": "x", "applicants": [f"A{i}" for i in range(201)]}, "at most 200"),
    ],
)
def test_bad_watch_lists_are_refused(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        WatchListIn.model_validate(fields)


def test_an_older_store_gains_the_table_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Store(path) as store:
        store.upsert(Standard(id="GB/T 38259-2019", source="openstd", status=StandardStatus.PUBLISHED))
    with sqlite3.connect(path) as conn:  # as a store made before watch lists existed
        conn.execute("DROP TABLE watchlists")
    with Store(path) as store:
        assert store.get("GB/T 38259-2019") is not None
        assert watchlists.create(store.conn, WatchListIn(owner="li", name="x", applicants=["PICO"])).id == 1


def test_document_times_and_changes(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        first = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
        store.upsert(Standard(id="ISO/IEC DIS 1", source="relaton", status=StandardStatus.DRAFT_FOR_COMMENT,
                              stage_code="40.20", fetched_at=first))
        store.upsert(Standard(id="ISO/IEC DIS 1", source="relaton", status=StandardStatus.DRAFT_FOR_COMMENT,
                              stage_code="40.60", fetched_at=first + dt.timedelta(days=7)))
        times = watchlists.document_times(store.conn, ["ISO/IEC DIS 1", "nothing"])
        assert list(times) == ["ISO/IEC DIS 1"] and times["ISO/IEC DIS 1"][0] <= times["ISO/IEC DIS 1"][1]
        found = watchlists.document_changes(store.conn, ["ISO/IEC DIS 1"])["ISO/IEC DIS 1"]
        assert [(kind, old, new) for kind, old, new, _ in found] == [
            ("new_draft", None, "draft_for_comment"), ("stage_change", "40.20", "40.60")]
