"""IEC: webstore search results and publication pages, and the api.iec.ch harmonized publications JSON.

The webstore needs no account; the API needs OAuth client credentials, so only its parser is here
(for users who export from it), while the spider reads the webstore.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from urllib.parse import urljoin

from parsel import Selector

from crawlers.parsers.cn_std import normalize_id
from crawlers.parsers.errors import ParseError
from crawlers.parsers.htmltext import clean, node_text, selector
from crawlers.parsers.intl_std import body_of, committee_name, parse_date, plain, word_status
from crawlers.parsers.listing import Hit, Listing, make_standard
from vrscope.records import Level, Standard, StandardStatus

SOURCE = "iec"
PAGE_SIZE = 10  # results per search page; the pager's gotopage(11), gotopage(21) … are the next starts
_ICS = re.compile(r"ICSNumber=([\d.]+)")
# IEC project stage codes (IEC Directives Supplement): code → (name, normalized status)
IEC_STAGES: dict[str, tuple[str, StandardStatus]] = {
    "PNW": ("New work item proposal", StandardStatus.PLAN),
    "ANW": ("Approved new work", StandardStatus.PREPARATORY),
    "PWI": ("Preliminary work item", StandardStatus.PLAN),
    "ACD": ("Approved for committee draft", StandardStatus.PREPARATORY),
    "CD": ("Committee draft", StandardStatus.COMMITTEE_DRAFT),
    "CDM": ("Committee draft to be discussed at meeting", StandardStatus.COMMITTEE_DRAFT),
    "ACDV": ("Approved for committee draft with vote", StandardStatus.COMMITTEE_DRAFT),
    "CCDV": ("Committee draft for vote circulated", StandardStatus.DRAFT_FOR_COMMENT),
    "CDVM": ("Rejected CDV to be discussed at meeting", StandardStatus.DRAFT_FOR_COMMENT),
    "ADIS": ("Approved for FDIS", StandardStatus.APPROVAL),
    "CDPV": ("Draft for approval circulated", StandardStatus.APPROVAL),
    "RFDIS": ("FDIS received and registered", StandardStatus.APPROVAL),
    "CFDIS": ("FDIS circulated", StandardStatus.APPROVAL),
    "APUB": ("Approved for publication", StandardStatus.APPROVAL),
    "BPUB": ("Being published", StandardStatus.APPROVAL),
    "PPUB": ("Publication issued", StandardStatus.PUBLISHED),
}


def publication_url(base_url: str, pubid: object) -> str:
    """The webstore page of one publication."""
    return f"{base_url.rstrip('/')}/publication/{pubid}"


def parse_search(body: bytes, base_url: str, encoding: str | None = None, page: int = 1,
                 fetched_at: dt.datetime | None = None) -> Listing:
    """A ``searchkey&RefNbr=`` answer: every publication listed (grouped versions included), to be read.

    ``nbres`` counts the result groups of the whole search, ten to a page.
    """
    sel = selector(body, encoding)
    count = sel.xpath('//input[starts-with(@id, "nbres")]/@value').get()  # nbrestrf: the TRF search
    if count is None and not sel.xpath('//ul[contains(@class, "search-results")]'):
        raise ParseError(f"no search results on {base_url}: not an IEC webstore search answer")
    hits = []
    for link in sel.xpath('//ul[contains(@class, "search-results")]//a[starts-with(@href, "/publication/")]'):
        identifier = normalize_id(node_text(link))
        if not identifier:
            continue
        title = clean(link.xpath("following-sibling::br[1]/following-sibling::text()[1]").get())
        url = urljoin(base_url.rstrip("/") + "/", link.attrib["href"].lstrip("/"))
        data: dict[str, Any] = {"id": identifier, "source": SOURCE, "url": url, "level": Level.INTERNATIONAL,
                                "body": body_of(identifier, "IEC"), "title_en": title or None}
        hits.append(Hit(make_standard(data, base_url, fetched_at), url))
    total = int(count) if count and count.isdigit() else len(hits)
    return Listing(hits=hits, page=page, pages=max(1, -(-total // PAGE_SIZE)), total=total)


def _row(sel: Any, label: str) -> Any:
    return sel.xpath(f'//tr[th[starts-with(normalize-space(.), "{label}")]]/td')


def parse_page(body: bytes, url: str, fetched_at: dt.datetime | None = None) -> Standard:
    """A webstore ``/publication/{id}`` page into a Standard."""
    sel = selector(body, "utf-8")
    heading = sel.xpath('//h1[contains(@class, "reference")]')
    identifier = normalize_id(node_text(heading.xpath('.//*[@itemprop="productID"]')))
    if not identifier:
        raise ParseError(f"no reference on {url}: not an IEC webstore publication page")
    word = clean(" ".join(heading.xpath('./span[not(@itemprop)]//text()').getall())) or None
    withdrawn = parse_date(node_text(_row(sel, "Withdrawal date")))
    # the heading shows a word only for a publication no longer valid
    status = word_status(word).status if word else None
    if status is None:
        status = StandardStatus.WITHDRAWN if withdrawn else StandardStatus.PUBLISHED
    committee = node_text(sel.xpath('//ul[contains(@class, "meta")]/li[1]/span'))
    data: dict[str, Any] = {
        "id": identifier, "source": SOURCE, "url": url, "level": Level.INTERNATIONAL,
        "body": body_of(identifier, "IEC"),
        "title_en": node_text(sel.xpath('//h2[contains(@class, "title")]')) or None,
        "abstract": plain(sel.xpath('//*[@itemprop="description"]').get(), markup=True),
        "status": status,
        "status_raw": word,
        "committee": committee_name(committee, "IEC") if committee else None,
        "ics": list(dict.fromkeys(_ICS.findall(" ".join(_row(sel, "ICS").xpath(".//a/@href").getall())))),
        "published_date": parse_date(sel.xpath('//*[@itemprop="releaseDate"]/text()').get()),
        "withdrawn_date": withdrawn,
    }
    return make_standard(data, url, fetched_at)


def _english(values: Any) -> str | None:
    for item in values or []:
        if isinstance(item, dict) and item.get("lang") == "en":
            return plain(item.get("value") or item.get("content"), markup=True)
    return None


def parse_api(body: bytes, url: str, webstore: str = "https://webstore.iec.ch",
              fetched_at: dt.datetime | None = None) -> list[Standard]:
    """An api.iec.ch ``harmonized/publications`` page (``publication[]``) into Standards."""
    try:
        rows = json.loads(body)["publication"]
        if not isinstance(rows, list):
            raise TypeError("publication is not a list")
    except (ValueError, KeyError, TypeError) as error:
        raise ParseError(f"not an api.iec.ch publications answer from {url}: {error}") from error
    out = []
    for row in rows:
        identifier = normalize_id(str(row.get("reference") or "")) if isinstance(row, dict) else None
        if not identifier:
            continue
        status = word_status(row.get("status"))
        committee = (row.get("committee") or {}).get("reference")
        pubid = str(row.get("urn") or "").rsplit(":", 1)[-1]
        data: dict[str, Any] = {
            "id": identifier, "source": SOURCE, "level": Level.INTERNATIONAL,
            "url": publication_url(webstore, pubid) if pubid.isdigit() else None,
            "body": body_of(identifier, "IEC"), "doctype": row.get("stdType"),
            "title_en": _english(row.get("title")), "abstract": _english(row.get("abstract")),
            "status": status.status, "status_raw": status.status_raw,
            "committee": committee_name(committee, "IEC") if committee else None,
            "ics": [c["value"] for c in row.get("classifications") or []
                    if isinstance(c, dict) and c.get("type") == "ICS" and c.get("value")],
            "published_date": parse_date(row.get("publicationDate")),
            "withdrawn_date": parse_date(row.get("dateOfWithdrawal")),
        }
        out.append(make_standard(data, url, fetched_at))
    return out


def parse_history(body: bytes, url: str, base_url: str = "https://webstore.iec.ch",
                  fetched_at: dt.datetime | None = None) -> list[Standard]:
    """The webstore's edition history (``AjaxRequestXML``: ``RES/ROW`` with FULL_NAME, PUB_DATE, STATUS …)."""
    try:
        sel = Selector(text=body.decode("utf-8-sig"), type="xml")
    except (UnicodeDecodeError, ValueError) as error:
        raise ParseError(f"not an IEC history answer from {url}: {error}") from error
    if not sel.xpath("/RES"):
        raise ParseError(f"no RES element in {url}: not an IEC history answer")
    out = []
    for row in sel.xpath("/RES/ROW"):
        identifier = normalize_id(row.xpath("string(FULL_NAME)").get(""))
        if not identifier:
            continue
        word = clean(row.xpath("string(STATUS)").get()) or None
        code = clean(row.xpath("string(STAGE)").get()).upper()
        name, normalized = IEC_STAGES.get(code, (None, None))
        pubid = clean(row.xpath("string(PUB_ID)").get())
        data: dict[str, Any] = {
            "id": identifier, "source": SOURCE, "level": Level.INTERNATIONAL,
            "url": publication_url(base_url, pubid) if pubid.isdigit() else None,
            "body": body_of(identifier, "IEC"), "status": normalized or word_status(word).status,
            "status_raw": word, "stage_code": code or None, "stage_name": name,
            "published_date": parse_date(row.xpath("string(PUB_DATE)").get()),
        }
        out.append(make_standard(data, url, fetched_at))
    return out
