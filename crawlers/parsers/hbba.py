"""hbba/dbba.sacinfo.org.cn (行业/地方标准备案): ``stdQueryList`` JSON and ``stdDetail`` pages.

The same platform files industry standards (hbba: SJ/T, JB/T … with the ministry that issued them) and
local standards (dbba: DB37/T … with the province's market regulator). Both list as JSON records and
show one standard per ``/stdDetail/{pk}`` page.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from parsel import Selector
from pydantic import BaseModel, ConfigDict

from crawlers.parsers.cn_std import (
    committee_of,
    detail_codes_and_dates,
    events_in,
    find_ids,
    normalize_id,
    parse_adoption,
    split_orgs,
    standard_from_page,
    status_of,
)
from crawlers.parsers.errors import ParseError
from crawlers.parsers.htmltext import clean, node_text, parse_date, selector
from vrscope.records import Level, Standard, StandardStatus

_CHINA = dt.timezone(dt.timedelta(hours=8))
_PAIR = re.compile(r"^([\u4e00-\u9fff]{2,8})\s*[：:]\s*(.*)$", re.S)


class ListEntry(BaseModel):
    """One record of a ``stdQueryList`` answer."""

    model_config = ConfigDict(frozen=True)

    pk: str
    identifier: str
    title_zh: str | None = None
    status_raw: str | None = None
    status: StandardStatus | None = None
    ministry: str | None = None
    industry: str | None = None
    record_number: str | None = None
    published_date: dt.date | None = None
    implemented_date: dt.date | None = None
    url: str


class ListPage(BaseModel):
    """A ``stdQueryList`` answer: its records and where it sits in the result set."""

    model_config = ConfigDict(frozen=True)

    entries: list[ListEntry]
    page: int = 1
    pages: int = 1
    total: int = 0


def _day(value: Any) -> dt.date | None:
    """A date from epoch milliseconds (Beijing midnight) or from text."""
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value / 1000, _CHINA).date()
    return parse_date(str(value)) if value else None


def detail_url(base_url: str, pk: str) -> str:
    """The detail page of one filed standard."""
    return f"{base_url.rstrip('/')}/stdDetail/{pk}"


def level_of(identifier: str) -> Level:
    """Local standards are numbered DB<province code>; everything else filed here is an industry standard."""
    return Level.LOCAL if identifier.upper().startswith("DB") else Level.INDUSTRY


def parse_list(body: bytes, base_url: str) -> ListPage:
    """Read a ``stdQueryList`` JSON answer; detail URLs are built on ``base_url`` (the site root)."""
    try:
        payload = json.loads(body.decode("utf-8-sig"))
        records = payload["records"]
    except (ValueError, KeyError, TypeError) as error:
        raise ParseError(f"not a stdQueryList answer from {base_url}: {error}") from error
    entries = []
    for row in records:
        identifier = normalize_id(clean(str(row.get("code") or "")))
        pk = str(row.get("pk") or "")
        if not identifier or not pk:
            continue
        status_raw = clean(str(row.get("status") or "")) or None
        entries.append(ListEntry(
            pk=pk,
            identifier=identifier,
            title_zh=clean(str(row.get("chName") or "")) or None,
            status_raw=status_raw,
            status=status_of(status_raw),
            ministry=clean(str(row.get("chargeDept") or "")) or None,
            industry=clean(str(row.get("industry") or "")) or None,
            record_number=clean(str(row.get("recordNo") or "")) or None,
            published_date=_day(row.get("issueDate")),
            implemented_date=_day(row.get("actDate")),
            url=detail_url(base_url, pk),
        ))
    return ListPage(entries=entries, page=int(payload.get("current") or 1),
                    pages=int(payload.get("pages") or 1), total=int(payload.get("total") or len(entries)))


def _sections(sel: Selector) -> dict[str, str]:
    """Text under each ``para-title`` heading (备案信息, 起草单位 …), up to the next heading."""
    out: dict[str, str] = {}
    for title in sel.xpath('//div[contains(@class, "para-title")]'):
        name = node_text(title)
        parts = []
        for node in title.xpath("following-sibling::*"):
            if "para-title" in (node.attrib.get("class") or ""):
                break
            parts.append(node_text(node))
        out.setdefault(name, "\n".join(p for p in parts if p))
    return out


def _pairs(text: str) -> dict[str, str]:
    """'备案号：61715-2018' lines as label → value."""
    return {m.group(1): clean(m.group(2)) for line in text.split("\n") if (m := _PAIR.match(clean(line)))}


def parse_detail(body: bytes, url: str, fetched_at: dt.datetime | None = None, encoding: str | None = None,
                 source: str = "hbba") -> Standard:
    """Read a ``stdDetail/{pk}`` page into a Standard (industry or local by its number)."""
    sel = selector(body, encoding)
    fields: dict[str, str] = {}
    for dt_node in sel.xpath('//dt[contains(@class, "basicInfo-item")]'):
        dd = dt_node.xpath("following-sibling::dd[1]")
        if dd:
            fields.setdefault(node_text(dt_node), node_text(dd[0]))
    header = sel.xpath('//div[contains(@class, "page-header")]')
    raw_id = fields.get("标准号") or node_text(header.xpath(".//b"))
    identifier = normalize_id(raw_id) if raw_id else None
    if not identifier:
        raise ParseError(f"no standard number on {url}: not a hbba/dbba detail page")
    badges = [node_text(b) for b in header.xpath('.//span[contains(@class, "s-status")]')]
    status_raw = next((b for b in badges if status_of(b) is not None), None)
    sections = _sections(sel)
    filing = _pairs(sections.get("备案信息", ""))
    events = events_in(sections.get("标准状态", ""))
    replaces = [i for i in find_ids(fields.get("代替标准", "")) if i != identifier]
    level = level_of(identifier)
    data: dict[str, Any] = {
        "id": identifier,
        "source": source,
        "url": url,
        "level": level,
        "body": fields.get("批准发布部门") or None,
        "title_zh": clean(" ".join(header.xpath("./h4/text()").getall())) or None,
        "title_en": node_text(header.xpath("./h5")) or None,
        "status": status_of(status_raw),
        "status_raw": status_raw,
        "committee": committee_of(
            fields.get("归口单位") or fields.get("技术归口") or sections.get("归口单位")),
        **detail_codes_and_dates(fields, events),
        "record_number": filing.get("备案号") or None,
        "drafting_orgs": split_orgs(sections.get("起草单位", "").replace("\n", "、")),
        "replaces": replaces,
        "adoption": parse_adoption(fields.get("采标情况") or fields.get("采用国际标准")),
    }
    return standard_from_page(data, url, fetched_at)
