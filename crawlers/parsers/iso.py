"""iso.org: catalogue search JSON (``advancedSearch.do``), site search (Algolia) JSON, standard pages.

Status comes from the harmonized stage code (``stageId`` 40.20 → draft for comment …); where a source
gives only a word ("Under development"), the draft marker in the reference (WD, CD, DIS, FDIS …)
says how far along the draft is.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from crawlers.parsers.cn_std import normalize_id
from crawlers.parsers.errors import ParseError
from crawlers.parsers.htmltext import clean, node_text, selector
from crawlers.parsers.intl_std import Status, body_of, iso_stage, parse_date, plain, word_status
from crawlers.parsers.listing import Hit, Listing, make_standard
from vrscope.records import Level, Standard, StandardStatus

SOURCE = "iso"
# Draft markers in an ISO reference, from the earliest stage on; the last one in a reference wins
# ("ISO/IEC FDIS 23008-1/WD Amd 1" is an amendment at working-draft stage).
DRAFT_MARKERS: dict[str, StandardStatus] = {
    "PWI": StandardStatus.PLAN, "NP": StandardStatus.PLAN, "AWI": StandardStatus.PREPARATORY,
    "WD": StandardStatus.PREPARATORY, "CD": StandardStatus.COMMITTEE_DRAFT,
    "DIS": StandardStatus.DRAFT_FOR_COMMENT, "DTR": StandardStatus.DRAFT_FOR_COMMENT,
    "DTS": StandardStatus.DRAFT_FOR_COMMENT, "DPAS": StandardStatus.DRAFT_FOR_COMMENT,
    "DAM": StandardStatus.DRAFT_FOR_COMMENT, "DAMD": StandardStatus.DRAFT_FOR_COMMENT,
    "FDIS": StandardStatus.APPROVAL, "FDAM": StandardStatus.APPROVAL, "FDAMD": StandardStatus.APPROVAL,
    "PRF": StandardStatus.APPROVAL,
}
_MARKERS = "|".join(sorted(DRAFT_MARKERS, key=len, reverse=True))
_MARKER = re.compile(r"(?<![A-Za-z])(" + _MARKERS + r")(?![A-Za-z])", re.IGNORECASE)
# "ISO/IEC FDIS 23008-1/WD Amd 1 Information technology — …": the reference, then the title.
_REF_TITLE = re.compile(
    r"^((?:ISO|IEC)(?:/[A-Z]+)*(?:\s+(?:[A-Z]{2,5}|Guide))*\s+\d[\w.\-]*(?::\d{4})?"
    r"(?:/(?:[A-Z]{1,5}\s+)?(?:Amd|Cor|Add)\s*\d+(?::\d{4})?)*)\s+(.*)$", re.S)
_STAGE_PATTERNS = (
    re.compile(r"Stage\s*:\s*<strong>(\d{2}\.\d{2})</strong>"),
    re.compile(r'id="stageId".{0,400}?(\d{2}\.\d{2})</a>\]', re.S),
    re.compile(r'<li class="[^"]*\bactive\b[^"]*">\s*<a [^>]*>\s*'
               r'<span class="stage-code"><strong>(\d{2}\.\d{2})<'),
    re.compile(r'<li class="[^"]*\bactive\b[^"]*">\s*<a href="/stage-codes\.html#(\d{2}[._]\d{2})"'),
)


def draft_status(identifier: str) -> StandardStatus | None:
    """How far along a draft is, from the last draft marker in its reference (None for a standard)."""
    found = _MARKER.findall(identifier)
    return DRAFT_MARKERS[found[-1].upper()] if found else None


def _text(value: Any) -> str | None:
    """A plain field, or the English one of ``{"translations": {...}}``."""
    if isinstance(value, dict):
        value = (value.get("translations") or {}).get("en") or value.get("en")
    return plain(value) if value is not None else None


def _stage(stage_id: object, word: str | None, identifier: str) -> Status:
    code = str(stage_id or "")
    found = iso_stage(code[:2], code[3:5]) if re.fullmatch(r"\d{2}\.\d{2}", code) else None
    if found is not None:
        return found
    status = word_status(word)
    if status.status in (None, StandardStatus.UNDER_DEVELOPMENT) and draft_status(identifier):
        return Status(draft_status(identifier), None, None, status.status_raw)
    return status


def _final(status: Status, replaced_by: list[str]) -> StandardStatus | None:
    """A withdrawn standard that a newer one revises is 'replaced'."""
    if status.status is StandardStatus.WITHDRAWN and replaced_by:
        return StandardStatus.REPLACED
    return status.status


def _refs(items: Any) -> list[str]:
    refs = (normalize_id(str(i.get("docRef") or "")) for i in items or [] if isinstance(i, dict))
    return [r for r in refs if r]


def _load(body: bytes, url: str, key: str) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except ValueError as error:
        raise ParseError(f"not JSON from {url}: {error}") from error
    if not isinstance(payload, dict) or not isinstance(payload.get(key), list):
        raise ParseError(f"no '{key}' list in the answer from {url}: not an iso.org search answer")
    return payload


def page_url(base_url: str, csnumber: object) -> str:
    """The catalogue page of one standard or draft."""
    return f"{base_url.rstrip('/')}/standard/{csnumber}.html"


def parse_search(body: bytes, url: str, base_url: str = "https://www.iso.org",
                 fetched_at: dt.datetime | None = None) -> Listing:
    """An ``advancedSearch.do`` answer (``standards[]``): complete records, each with its catalogue page."""
    hits = []
    for row in _load(body, url, "standards")["standards"]:
        identifier = normalize_id(str(row.get("docRef") or "")) if isinstance(row, dict) else None
        if not identifier:
            continue
        replaced_by = _refs(row.get("revisedBy"))
        status = _stage(row.get("stageId"), _text(row.get("publicationStatus")), identifier)
        committee = row.get("committee")
        if not isinstance(committee, dict):
            committee = {}
        page = page_url(base_url, row["csnumber"]) if row.get("csnumber") else None
        data: dict[str, Any] = {
            "id": identifier, "source": SOURCE, "url": page, "level": Level.INTERNATIONAL,
            "body": body_of(identifier, "ISO"), "title_en": _text(row.get("title")),
            "status": _final(status, replaced_by), "status_raw": _text(row.get("publicationStatus")),
            "stage_code": status.stage_code, "stage_name": status.stage_name,
            "committee": plain(committee.get("reference")),
            "ics": [str(i["label"]) for i in row.get("ics") or [] if isinstance(i, dict) and i.get("label")],
            "published_date": parse_date(row.get("publicationDate")),
            "replaces": _refs(row.get("revises")), "replaced_by": replaced_by,
        }
        hits.append(Hit(make_standard(data, url, fetched_at), page))
    return Listing(hits=hits, total=len(hits), pages=1)


def parse_site_search(body: bytes, url: str, base_url: str = "https://www.iso.org",
                      fetched_at: dt.datetime | None = None) -> list[Standard]:
    """The site search (Algolia ``hits[]``: 'reference title', status word, path ending in the csnumber)."""
    out = []
    for row in _load(body, url, "hits")["hits"]:
        match = _REF_TITLE.match(clean(str(row.get("title") or "")))
        identifier = normalize_id(match.group(1)) if match else None
        if not identifier:
            continue
        status = _stage(None, row.get("status"), identifier)
        csnumber = str(row.get("path") or "").rstrip("/").rsplit("/", 1)[-1]
        data: dict[str, Any] = {
            "id": identifier, "source": SOURCE, "level": Level.INTERNATIONAL,
            "url": page_url(base_url, csnumber) if csnumber.isdigit() else None,
            "body": body_of(identifier, "ISO"), "title_en": plain(match.group(2)) if match else None,
            "status": status.status, "status_raw": status.status_raw,
        }
        out.append(make_standard(data, url, fetched_at))
    return out


def parse_page(body: bytes, url: str, fetched_at: dt.datetime | None = None) -> Standard:
    """A catalogue page (``/standard/{csnumber}.html``, English or another language, 2019–2024 layouts)."""
    sel = selector(body, "utf-8")
    heading = clean("".join(sel.xpath("(//h1)[1]/text()").getall()))  # not the [alias] span some pages add
    identifier = normalize_id(heading or sel.xpath('//*[@id="docRef"]/text()').get(""))
    if not identifier or not sel.xpath('//*[@id="csNumber"]'):
        raise ParseError(f"no reference on {url}: not an iso.org standard page")
    text = body.decode("utf-8", "replace")
    code = next((m.group(1).replace("_", ".") for p in _STAGE_PATTERNS if (m := p.search(text))), None)
    word = node_text(sel.xpath('//*[@id="publicationStatus"]/span')) or node_text(
        sel.xpath('//strong[starts-with(normalize-space(.), "Status")]/following-sibling::span[1]'))
    status = _stage(code, word or None, identifier)
    english = "/fr/" not in url and "/ru/" not in url
    abstract = node_text(sel.xpath('//*[@itemprop="description"]')) if english else ""
    links = sel.xpath('//*[contains(@class, "entry-name")]//a[contains(@href, "/ics/")]/text()')
    ics = [clean(c) for c in links.getall()]
    data: dict[str, Any] = {
        "id": identifier, "source": SOURCE, "url": url, "level": Level.INTERNATIONAL,
        "body": body_of(identifier, "ISO"),
        "title_en": plain(sel.xpath('//meta[@property="og:description"]/@content').get()) if english
        else None,
        "abstract": abstract or None, "status": status.status, "status_raw": status.status_raw,
        "stage_code": status.stage_code, "stage_name": status.stage_name,
        "committee": clean(sel.xpath('//a[contains(@href, "/committee/")]/text()').get()) or None,
        "ics": list(dict.fromkeys(c for c in ics if c)),
        "published_date": parse_date(sel.xpath('//*[@itemprop="releaseDate"]/text()').get()),
    }
    return make_standard(data, url, fetched_at)
