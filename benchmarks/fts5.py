"""The baseline a user would otherwise pick: SQLite FTS5 (unicode61) on the same pre-segmented text."""

from __future__ import annotations

import html
import re
import sqlite3
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from search.backend import IndexDoc
from search.segment import desegment, segment
from search.userquery import parse_user_query

BATCH = 5_000
SCHEMA = """
CREATE TABLE docs(rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, doc_type TEXT, title TEXT, year INTEGER,
                  jurisdiction TEXT);
CREATE TABLE doc_techs(doc INTEGER, tech TEXT, PRIMARY KEY(doc, tech)) WITHOUT ROWID;
CREATE TABLE doc_applicants(doc INTEGER, applicant TEXT, PRIMARY KEY(doc, applicant)) WITHOUT ROWID;
CREATE VIRTUAL TABLE fts USING fts5(title, abstract, claims, tokenize='unicode61');
INSERT INTO fts(fts, rank) VALUES('rank', 'bm25(3.0, 1.5, 1.0)');
"""
# unicode61 splits on anything that is not a letter or a digit.
_WORD = re.compile(r"\w+")


def _rows(docs: Iterable[IndexDoc], start: int) -> Iterator[tuple[int, IndexDoc, tuple[str, str, str]]]:
    """Each document with its rowid and its segmented title, abstract and claims."""
    for rowid, doc in enumerate(docs, start):
        titles = " ".join(dict.fromkeys(t for t in (doc.title, doc.title_en, doc.title_zh) if t))
        yield rowid, doc, (segment(titles), segment(doc.abstract), segment(doc.claims))


def build(path: Path, docs: Iterable[IndexDoc]) -> int:
    """Create the database at path and index the documents; return how many."""
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    try:
        con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        rows = _rows(docs, 1)
        count = 0
        while batch := list(islice(rows, BATCH)):
            with con:
                con.executemany(
                    "INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)",
                    [(r, d.id, d.doc_type, d.title, d.year, d.jurisdiction) for r, d, _ in batch],
                )
                con.executemany("INSERT INTO fts(rowid, title, abstract, claims) VALUES (?, ?, ?, ?)",
                                [(r, *text) for r, _, text in batch])
                con.executemany("INSERT OR IGNORE INTO doc_techs VALUES (?, ?)",
                                [(r, t) for r, d, _ in batch for t in d.techs])
                con.executemany("INSERT OR IGNORE INTO doc_applicants VALUES (?, ?)",
                                [(r, a) for r, d, _ in batch for a in d.applicants])
            count += len(batch)
        con.execute("INSERT INTO fts(fts) VALUES('optimize')")
        con.commit()
        return count
    finally:
        con.close()


def match_expression(q: str) -> str:
    """The user query language as an FTS5 MATCH expression: words ANDed, phrases quoted."""
    parts: list[str] = []
    for clause in parse_user_query(q):
        words = _WORD.findall(segment(clause.text))
        if not words:
            continue
        if clause.phrase:
            expr = '"' + " ".join(words) + '"'
        else:
            expr = " AND ".join(f'"{w}"' for w in words)
        parts.append(f"NOT ({expr})" if clause.negated else f"({expr})")
    return " AND ".join(parts)


class Fts5Search:
    """Top-20 with snippets, facets and the year histogram over an FTS5 database."""

    def __init__(self, path: Path) -> None:
        """Open the database read-only, with a temporary table for the matched rows."""
        self.con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        self.con.execute("CREATE TEMP TABLE matched(rowid INTEGER PRIMARY KEY)")

    def search(self, q: str, facets: bool) -> dict[str, Any]:
        """One page of hits (and, with facets, the facet counts and histogram of all matches)."""
        expr = match_expression(q)
        con = self.con
        # FTS5 sorts by rank itself and computes snippet() only for the rows it returns.
        page = con.execute(
            "SELECT rowid, snippet(fts, 1, '<b>', '</b>', '…', 24) FROM fts WHERE fts MATCH ? "
            "ORDER BY rank LIMIT 20",
            (expr,),
        ).fetchall()
        titles = dict(
            con.execute(
                f"SELECT rowid, id FROM docs WHERE rowid IN ({','.join('?' * len(page))})",
                [r for r, _ in page],
            ).fetchall()
        )
        hits = [{"id": titles.get(r), "snippet": desegment(html.unescape(s))} for r, s in page]
        if not facets:
            total = con.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (expr,)).fetchone()[0]
            return {"total": total, "hits": hits}
        with con:
            con.execute("DELETE FROM matched")
            con.execute("INSERT INTO matched SELECT rowid FROM fts WHERE fts MATCH ?", (expr,))
        total = con.execute("SELECT count(*) FROM matched").fetchone()[0]
        # CROSS JOIN forces the join order from the matched rows (the planner would scan the big table).
        out: dict[str, Any] = {"total": total, "hits": hits}
        out["techs"] = con.execute(
            "SELECT t.tech, count(*) AS n FROM matched m CROSS JOIN doc_techs t ON t.doc = m.rowid "
            "GROUP BY t.tech ORDER BY n DESC LIMIT 20").fetchall()
        out["jurisdiction"] = con.execute(
            "SELECT d.jurisdiction, count(*) AS n FROM matched m CROSS JOIN docs d ON d.rowid = m.rowid "
            "GROUP BY d.jurisdiction ORDER BY n DESC LIMIT 20").fetchall()
        out["applicants"] = con.execute(
            "SELECT a.applicant, count(*) AS n FROM matched m CROSS JOIN doc_applicants a ON a.doc = m.rowid "
            "GROUP BY a.applicant ORDER BY n DESC LIMIT 20").fetchall()
        out["years"] = con.execute(
            "SELECT d.year, count(*) FROM matched m CROSS JOIN docs d ON d.rowid = m.rowid "
            "GROUP BY d.year").fetchall()
        out["year_techs"] = con.execute(
            "SELECT d.year, t.tech, count(*) FROM matched m CROSS JOIN docs d ON d.rowid = m.rowid "
            "CROSS JOIN doc_techs t ON t.doc = m.rowid GROUP BY d.year, t.tech").fetchall()
        return out

    def close(self) -> None:
        """Close the connection."""
        self.con.close()
