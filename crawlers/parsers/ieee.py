"""standards.ieee.org: the site search JSON (2022 ``admin-ajax`` CloudSearch; 2020 ``bin/standards/search``)
and standard / project pages (2020–2021 and 2022 layouts).

IEEE SA statuses: a standard is Active, Superseded, Inactive-Withdrawn or Inactive-Reserved; a
P-project (``IEEE P2048.1``, a draft under a PAR) is active while its PAR runs and inactive after.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from parsel import Selector

from crawlers.parsers.cn_std import normalize_id
from crawlers.parsers.errors import ParseError
from crawlers.parsers.htmltext import clean, node_text, selector
from crawlers.parsers.intl_std import body_of, parse_date, plain
from crawlers.parsers.listing import Hit, Listing, make_standard
from vrscope.records import Level, Standard, StandardStatus

SOURCE = "ieee"
_DESIGNATION = re.compile(r"^(IEEE\s+(?:Std\s+)?P?\d[\w.\-/ ]*?)(?:\s+-\s+(.*))?$", re.S)
_BARE_STANDARD = re.compile(r"^IEEE (?=\d)")


def standard_id(designation: str) -> str:
    """The site's 'IEEE 3079-2020' in the catalogue's form 'IEEE Std 3079-2020'; projects stay 'IEEE P…'."""
    return _BARE_STANDARD.sub("IEEE Std ", normalize_id(designation) or designation.strip())


def status_of(word: str | None, identifier: str) -> StandardStatus | None:
    """IEEE SA's status word for a standard or a P-project, in the shared vocabulary."""
    text = clean(word).lower()
    if not text:
        return None
    project = identifier.upper().startswith("IEEE P") or "par" in text.split() or "project" in text
    if project:
        return StandardStatus.UNDER_DEVELOPMENT if text.startswith("active") else StandardStatus.WITHDRAWN
    if text.startswith("superseded"):
        return StandardStatus.REPLACED
    if text.startswith("inactive") or "withdrawn" in text:
        return StandardStatus.WITHDRAWN
    if text.startswith("active") or text == "approved":
        return StandardStatus.PUBLISHED
    return None


def split_designation(text: str) -> tuple[str | None, str | None]:
    """'IEEE 528-2019 - IEEE Standard for …' → ('IEEE 528-2019', 'IEEE Standard for …')."""
    value = clean(text).removeprefix("IEEE SA - ")
    if value[:1].isdigit() or value[:2] in {"P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9"}:
        value = "IEEE " + value  # pages and links often leave the prefix out ('1293-2018 - …', '528-1994')
    match = _DESIGNATION.match(value)
    if not match:
        return None, None
    return standard_id(match.group(1)), (plain(match.group(2)) if match.group(2) else None)


def _partial(identifier: str, title: str | None, url: str, abstract: str | None, where: str,
             fetched_at: dt.datetime | None) -> Standard:
    data: dict[str, Any] = {"id": identifier, "source": SOURCE, "url": url, "level": Level.INTERNATIONAL,
                            "body": body_of(identifier, "IEEE"), "title_en": title, "abstract": abstract}
    return make_standard(data, where, fetched_at)


def parse_cloudsearch(body: bytes, url: str, page: int = 1, fetched_at: dt.datetime | None = None) -> Listing:
    """The 2022 site search (``admin-ajax.php`` action ``ieee_cloudsearch``): standard and project pages."""
    try:
        payload = json.loads(body)
        rows = payload["results"]["hits"]["hit"]
    except (ValueError, KeyError, TypeError) as error:
        raise ParseError(f"not an IEEE site search answer from {url}: {error}") from error
    hits = []
    for row in rows:
        fields = (row.get("fields") or {}) if isinstance(row, dict) else {}
        link = str(fields.get("doc_id_l") or "")
        identifier, _ = split_designation(str(fields.get("doc_title_t") or ""))
        if not identifier or "/ieee/" not in link:  # tag and news pages are hits too
            continue
        abstract = plain(fields.get("meta_description_l"))
        hits.append(Hit(_partial(identifier, None, link, abstract, url, fetched_at), link))
    pages = payload.get("total_pages")
    found = payload["results"]["hits"].get("found")
    return Listing(hits=hits, page=page, pages=pages if isinstance(pages, int) else None,
                   total=found if isinstance(found, int) else None)


def parse_search(body: bytes, url: str, fetched_at: dt.datetime | None = None) -> Listing:
    """The 2020 search JSON (``bin/standards/search``: a JSON ``message`` with ``resultsMapList``)."""
    try:
        message = json.loads(json.loads(body)["message"])
        rows = message["response"]["searchResults"]["resultsMapList"]
    except (ValueError, KeyError, TypeError) as error:
        raise ParseError(f"not an IEEE standards search answer from {url}: {error}") from error
    hits = []
    for row in rows or []:
        record = (row.get("record") or {}) if isinstance(row, dict) else {}
        identifier, title = split_designation(str(record.get("recordTitle") or ""))
        link = str(record.get("recordURL") or "")
        if identifier and link:
            hits.append(Hit(_partial(identifier, title, link, None, url, fetched_at), link))
    return Listing(hits=hits, pages=1, total=len(hits))


def _old_row(sel: Selector, label: str) -> str:
    cell = sel.xpath(f'//tr[td[contains(@class, "left-title") and normalize-space(.)="{label}"]]'
                     '/td[contains(@class, "right-section-info")][1]')
    return node_text(cell[0].xpath("./div[1]")) if cell else ""  # the first such row


def parse_page(body: bytes, url: str, fetched_at: dt.datetime | None = None) -> Standard:
    """A standard or project page (``/ieee/528/7292/`` 2022 layout, ``/standard/528-2019.html`` older)."""
    sel = selector(body, "utf-8")
    designation = sel.xpath('//meta[@name="designation"]/@content').get() or node_text(
        sel.xpath('//*[@id="stnd-designation"]'))
    heading = node_text(sel.xpath('//span[contains(@class, "sub-heading")][1]'))
    identifier, old_title = split_designation(designation or heading)
    if not identifier:
        raise ParseError(f"no designation on {url}: not an IEEE standard page")
    word = (sel.xpath('//meta[@name="Status"]/@content').get()
            or node_text(sel.xpath('//*[@id="stnd-status"]')) or _old_row(sel, "Status"))
    committee = (clean(sel.xpath('//*[@id="stnd-committee"]/text()').get())
                 or _old_row(sel, "Standards Committee"))
    # "Superseding": the earlier standard this one supersedes
    superseding = node_text(sel.xpath('//*[@id="stnd-superseding"]'))
    replaces, _ = split_designation(superseding) if superseding else (None, None)
    descriptions = [plain(d) for d in sel.xpath('//meta[@name="description"]/@content').getall()]
    data: dict[str, Any] = {
        "id": identifier, "source": SOURCE, "url": url, "level": Level.INTERNATIONAL,
        "body": body_of(identifier, "IEEE"),
        "title_en": node_text(sel.xpath('//*[@id="stnd-title"]')) or old_title,
        "abstract": next((d for d in descriptions if d), None),
        "status": status_of(word, identifier), "status_raw": clean(word) or None,
        "committee": committee or None,
        "published_date": parse_date(node_text(sel.xpath('//*[@id="stnd-approval-date"]'))
                                     or _old_row(sel, "Board Approval")),
        "replaces": [replaces] if replaces else [],
    }
    return make_standard(data, url, fetched_at)
