"""itu.int (ITU-T): the GlobalSearch JSON (``Search``, ``RunSearch``) and Recommendation pages.

Identifiers follow the catalogue's form, the Recommendation with its approval month:
``ITU-T L.163 (11/2018)``. ``rec.aspx?rec=N`` is today's page; ``/rec/T-REC-…`` the legacy one.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from crawlers.parsers.cn_std import normalize_id
from crawlers.parsers.errors import ParseError
from crawlers.parsers.htmltext import clean, node_text, selector
from crawlers.parsers.intl_std import parse_date, plain, word_status
from crawlers.parsers.listing import Hit, Listing, make_standard
from vrscope.records import Level, Standard

SOURCE = "itu"
_HANDLE = re.compile(r"/1000/(\d+)")
_LEGACY_REC = re.compile(r"Recommendation\s+([A-Z]\.[\w.\-]+)\s*\((\d{2})/(\d{2,4})\)")
_MONTH_YEAR = re.compile(r"([A-Z][a-z]+),?\s+(\d{4})")
_MONTHS = {m: i for i, m in enumerate(("January", "February", "March", "April", "May", "June", "July",
                                        "August", "September", "October", "November", "December"), 1)}


def rec_url(base_url: str, rec: object) -> str:
    """Today's page of one Recommendation edition."""
    return f"{base_url.rstrip('/')}/ITU-T/recommendations/rec.aspx?rec={rec}&lang=en"


def _month(text: str | None) -> dt.date | None:
    """'March, 2019' → 2019-03-01."""
    match = _MONTH_YEAR.search(text or "")
    if not match or match.group(1) not in _MONTHS:
        return None
    return dt.date(int(match.group(2)), _MONTHS[match.group(1)], 1)


def parse_search(body: bytes, url: str, base_url: str = "https://www.itu.int", page: int = 1,
                 page_size: int = 10, fetched_at: dt.datetime | None = None) -> Listing:
    """A GlobalSearch answer: its ITU-T Recommendations, each with its page to read."""
    try:
        payload = json.loads(body)
        rows = payload["results"]
        if not isinstance(rows, list):
            raise TypeError("results is not a list")
    except (ValueError, KeyError, TypeError) as error:
        raise ParseError(f"not an ITU GlobalSearch answer from {url}: {error}") from error
    hits = []
    for row in rows:
        collection = row.get("Collection") or {} if isinstance(row, dict) else {}
        if "Recommendation" not in str(collection.get("Name") or collection.get("Group") or ""):
            continue
        name, _, title = clean(str(row.get("Title") or "")).partition(": ")
        identifier = normalize_id(name)
        handle = _HANDLE.search(str(row.get("Identifier") or ""))
        if not identifier or not handle:
            continue
        published = next((p.get("Value") for p in row.get("Properties") or []
                          if isinstance(p, dict) and p.get("Title") == "Publication date"), None)
        link = rec_url(base_url, handle.group(1))
        data: dict[str, Any] = {"id": identifier, "source": SOURCE, "url": link, "body": "ITU-T",
                                "level": Level.INTERNATIONAL, "title_en": plain(title),
                                "published_date": _month(published)}
        hits.append(Hit(make_standard(data, url, fetched_at), link))
    total = payload.get("totalAmount")
    total = total if isinstance(total, int) else None
    return Listing(hits=hits, page=page, total=total,
                   pages=-(-total // page_size) if total is not None and page_size > 0 else None)


def _cells(sel: Any) -> dict[str, str]:
    """The page's 'Label: | value' rows."""
    out: dict[str, str] = {}
    for row in sel.xpath('//tr[td[@class="cell_left"]]'):
        label = node_text(row.xpath('./td[@class="cell_left"]')).rstrip(":").strip()
        out.setdefault(label, node_text(row.xpath('./td[@class="cell_right"]')))
    return out


def parse_page(body: bytes, url: str, fetched_at: dt.datetime | None = None) -> Standard:
    """A Recommendation page (``rec.aspx?rec=N``, or the legacy ``/rec/T-REC-…``) into a Standard."""
    sel = selector(body)
    name = node_text(sel.xpath('//*[substring(@id, string-length(@id) - 7) = "_lbl_rec"]'))
    if name:
        cells = _cells(sel)
        identifier = normalize_id(name)
        title = sel.xpath('//*[substring(@id, string-length(@id) - 9) = "_lbl_title"]/@title').get()
        word = cells.get("Status")
        approved = parse_date(cells.get("Approval date"))
        committee = cells.get("Maintenance responsibility") or None
        summary = node_text(sel.xpath('(//div[@class="summary"])[1]')) or None
    else:
        legacy = _LEGACY_REC.search(node_text(sel.xpath("//body")))
        if not legacy:
            raise ParseError(f"no Recommendation on {url}: not an ITU-T Recommendation page")
        year = legacy.group(3) if len(legacy.group(3)) == 4 else (
            ("19" if int(legacy.group(3)) >= 50 else "20") + legacy.group(3))
        identifier = normalize_id(f"ITU-T {legacy.group(1)} ({legacy.group(2)}/{year})")
        page_title = clean(sel.xpath("//title/text()").get())
        title = re.split(r"\s*\W\s*:\s*\W?\s*|\s+:\s+", page_title, maxsplit=1)[-1] if page_title else None
        line = node_text(sel.xpath('(//p[starts-with(normalize-space(.), "Status")])[1]'))
        word = line.partition(":")[2].strip() or None
        approved_match = re.search(r"Approved in\s+(\d{4}-\d{2}-\d{2})", node_text(sel.xpath("//body")))
        approved = parse_date(approved_match.group(1)) if approved_match else None
        committee = summary = None
    if not identifier:
        raise ParseError(f"unreadable Recommendation number on {url}")
    status = word_status(word)
    data: dict[str, Any] = {
        "id": identifier, "source": SOURCE, "url": url, "level": Level.INTERNATIONAL, "body": "ITU-T",
        "doctype": "recommendation", "title_en": plain(title), "abstract": summary,
        "status": status.status, "status_raw": status.status_raw, "committee": committee,
        "published_date": approved,
    }
    return make_standard(data, url, fetched_at)
