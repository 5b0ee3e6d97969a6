"""std.samr.gov.cn (全国标准信息公共服务平台, 2018–2019 layout): detail pages, search pages, search JSON.

The detail page covers national, industry and local standards; the search page also lists national
standard plans (国标计划), which become Standard records keyed by their plan number.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from urllib.parse import urljoin

from parsel import Selector

from crawlers.parsers.cn_std import (
    committee_of,
    detail_codes_and_dates,
    events_in,
    find_ids,
    normalize_id,
    parse_adoption,
    split_ccs,
    split_codes,
    split_orgs,
    standard_from_page,
    status_of,
)
from crawlers.parsers.errors import ParseError
from crawlers.parsers.htmltext import clean, decode_html, node_text, parse_date, selector
from crawlers.parsers.listing import Hit, Listing
from vrscope.records import Level, Standard

SOURCE = "std_samr"
_LEVELS = {"国家": Level.NATIONAL, "国标": Level.NATIONAL, "行业": Level.INDUSTRY, "地方": Level.LOCAL,
           "团体": Level.GROUP}
_KINDS = {"BV_GB": Level.NATIONAL, "BV_GB_PLAN": Level.NATIONAL, "BV_HB": Level.INDUSTRY,
          "BV_DB": Level.LOCAL}
_DETAIL_PATHS = {"BV_GB": "gb/search/gbDetailed?id=", "BV_GB_PLAN": "gb/search/gbPlanDetailed?id=",
                 "BV_HB": "hb/search/stdHBDetailed?id=", "BV_DB": "db/search/stdDBDetailed?id="}
# Search pages name a committee without its code; the codes of the committees VR standards go to
# (as their detail pages and the cn-seed records give them).
TC_CODES = {"全国信息技术标准化技术委员会": "TC28", "全国电子显示器件标准化技术委员会": "TC547"}
_ROUTED = re.compile(r"由\s*(\S+?)\s*[（(]([^）)]+)[）)]\s*归口")


def _level(text: str) -> Level | None:
    """The level named in a badge such as '国家标准' or '行业标准-JB 机械'."""
    return next((level for word, level in _LEVELS.items() if text.startswith(word)), None)


def _text(node: Selector) -> str:
    """Text with no separators, so ``<sacinfo>GB</sacinfo><sacinfo>/</sacinfo>`` reads 'GB/'."""
    return clean("".join(node.xpath(".//text()").getall()))


def _with_code(name: str | None) -> str | None:
    """A committee's name with its TC code in front, when the code is known."""
    text = clean(name)
    return f"{TC_CODES[text]} {text}" if text in TC_CODES else name


def _body(level: Level | None) -> str | None:
    return "SAC" if level is Level.NATIONAL else None


def parse_detail(body: bytes, url: str, fetched_at: dt.datetime | None = None,
                 encoding: str | None = None) -> Standard:
    """Read a gbDetailed / stdHBDetailed / stdDBDetailed page into a Standard."""
    sel = selector(body, encoding)
    fields: dict[str, str] = {}
    for dt_node in sel.xpath('//dt[contains(@class, "basicInfo-item")]'):
        dd = dt_node.xpath("following-sibling::dd[1]")
        if dd:
            code = dd[0].xpath("./span[@data-toggle]/text()").get()  # ICS: code, not the tooltip table
            fields.setdefault(node_text(dt_node), clean(code) if code else node_text(dd[0]))
    identifier = normalize_id(fields.get("标准号", ""))
    if not identifier:
        raise ParseError(f"no standard number on {url}: not a std.samr.gov.cn detail page")
    header = sel.xpath('//div[contains(@class, "page-header")][h4]')
    badges = [node_text(b) for b in header.xpath('.//span[contains(@class, "s-status")]')]
    level = next((lv for b in badges if (lv := _level(b)) is not None), None)
    status_raw = next((b for b in badges if status_of(b) is not None), None)
    sections: dict[str, Selector] = {}
    for title in sel.xpath('//h2[contains(@class, "title-text")]'):
        after = title.xpath('../following-sibling::*[not(contains(@class, "para-title"))][1]')
        if after:
            sections[node_text(title)] = after[0]
    lead = node_text(header.xpath("following-sibling::p[1]")) if header else ""
    committee = fields.get("归口单位") or fields.get("执行单位")
    routed = _ROUTED.search(lead)
    if routed and committee and routed.group(1).upper().startswith("TC"):
        committee = f"{committee}({routed.group(1)})"
    timeline = node_text(sel.xpath('//div[@class="timeline"]'))
    events = events_in(timeline)
    replaces: list[str] = []
    replaced_by: list[str] = []
    for label, value in fields.items():
        if "代替" in label:
            (replaced_by if label.startswith("被") else replaces).extend(find_ids(value))
    for name, block in sections.items():
        if "代替" in name:
            (replaced_by if name.startswith("被") else replaces).extend(find_ids(node_text(block)))
    orgs = sections.get("起草单位")
    data: dict[str, Any] = {
        "id": identifier,
        "source": SOURCE,
        "url": url,
        "level": level,
        "body": _body(level),
        "title_zh": node_text(header.xpath("./h4")) or None,
        "title_en": node_text(header.xpath("./h5")) or None,
        "status": status_of(status_raw),
        "status_raw": status_raw,
        "committee": committee_of(committee),
        **detail_codes_and_dates(fields, events),
        "drafting_orgs": split_orgs("、".join(node_text(dd) for dd in orgs.xpath(".//dd"))) if orgs else [],
        "replaces": list(dict.fromkeys(i for i in replaces if i != identifier)),
        "replaced_by": list(dict.fromkeys(i for i in replaced_by if i != identifier)),
        "adoption": parse_adoption(fields.get("采标情况") or fields.get("采用国际标准")),
    }
    return standard_from_page(data, url, fetched_at)


def parse_search(body: bytes, base_url: str = "http://std.samr.gov.cn/", encoding: str | None = None,
                 fetched_at: dt.datetime | None = None) -> list[Standard]:
    """Read a search-result page: one partial Standard per hit (plans keyed by plan number)."""
    sel = selector(body, encoding)
    posts = sel.xpath('//div[contains(@class, "panel") and contains(@class, "post")]')
    if not posts and not sel.xpath('//div[contains(@class, "nums")]'):
        raise ParseError(f"no search results block on {base_url}: not a std.samr.gov.cn search page")
    out = []
    for post in posts:
        link = post.xpath(".//a[@tid]")
        if not link:
            continue
        kind = link.attrib.get("tid", "")
        code_span = link.xpath('.//span[contains(@class, "en-code")]')
        code = _text(code_span[0]) if code_span else ""
        title_nodes = link.xpath("./text() | ./*[not(contains(@class, 'en-code'))]//text()")
        title = clean("".join(title_nodes.getall()))
        labels = {node_text(m.xpath('./div[contains(@class, "media-left")]')):
                  _text(m.xpath('./div[contains(@class, "media-body")]')[0])
                  for m in post.xpath('.//div[contains(@class, "media-inner")]')}
        badges = [node_text(b) for b in post.xpath('.//span[contains(@class, "s-status")]')]
        status_raw = next((b for b in badges if status_of(b) is not None), None)
        codes: dict[str, str] = {}
        label = ""
        for item in post.xpath('.//div[contains(@class, "post-flex")]//span/text()').getall():
            if "分类号" in item:
                label = "ICS" if "ICS" in item else "CCS"  # a label; the value (if any) follows it
            elif label and clean(item):
                codes.setdefault(label, clean(item))
        footer = node_text(post.xpath('.//div[contains(@class, "panel-footer")]'))
        days = {word: parse_date(day) for word, day in re.findall(r"(\S{2})于\s*(\d{4}-\d{2}-\d{2})", footer)}
        plan = kind == "BV_GB_PLAN"
        identifier = code if plan else normalize_id(code)
        if not identifier:
            continue
        level = _KINDS.get(kind)
        data: dict[str, Any] = {
            "id": identifier,
            "source": SOURCE,
            "url": urljoin(base_url, _DETAIL_PATHS.get(kind, "") + link.attrib.get("pid", "")),
            "level": level,
            "body": _body(level),
            "title_zh": title or None,
            "title_en": labels.get("英文标题") or None,
            "status": status_of(status_raw),
            "status_raw": status_raw,
            "stage_name": status_raw if plan else None,
            "plan_number": code if plan else None,
            "committee": committee_of(_with_code(labels.get("归口单位"))),
            "ics": split_codes(codes.get("ICS")),
            "ccs": split_ccs(codes.get("CCS")),
            "plan_date": days.get("下达"),
            "published_date": days.get("发布"),
            "implemented_date": days.get("实施"),
            "withdrawn_date": days.get("终止") or days.get("废止"),
            "adoption": parse_adoption(labels.get("采标关系")),
        }
        out.append(standard_from_page(data, str(data["url"]), fetched_at))
    return out


def _json_rows(body: bytes, url: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    try:
        payload = json.loads(body.decode("utf-8-sig"))
        rows = payload["rows"]
        if not isinstance(payload, dict) or not isinstance(rows, list):
            raise TypeError("rows is not a list")
    except (ValueError, KeyError, TypeError) as error:
        raise ParseError(f"not a search JSON answer from {url}: {error}") from error
    return payload, [row for row in rows if isinstance(row, dict)]


def _untagged(value: object) -> str:
    """A JSON field without the ``<sacinfo>`` tags gbQueryPage wraps search hits in."""
    return clean(re.sub(r"<[^>]+>", "", str(value or "")))


def _row_code(row: dict[str, Any]) -> str:
    """The standard number of a JSON row; gbQueryPage gives it only with highlight tags."""
    return str(row.get("STD_CODE") or _untagged(row.get("C_STD_CODE")))


def parse_search_json(body: bytes, url: str, fetched_at: dt.datetime | None = None,
                      base_url: str | None = None) -> list[Standard]:
    """Read the search JSON (``rows`` with STD_CODE or C_STD_CODE, C_NAME, STATE …).

    With ``base_url`` each record's url is its detail page (from the row's ``id`` and ``TABLE_NAME``,
    national by default), else the search URL itself.
    """
    _, rows = _json_rows(body, url)
    out = []
    for row in rows:
        identifier = normalize_id(_row_code(row))
        if not identifier:
            continue
        where = url
        if base_url is not None and row.get("id"):
            kind = str(row.get("TABLE_NAME") or "BV_GB")
            path = _DETAIL_PATHS.get(kind, _DETAIL_PATHS["BV_GB"])
            where = urljoin(base_url.rstrip("/") + "/", path + str(row["id"]))
        domain = str(row.get("STD_DOMAIN") or row.get("G_STD_DOMAIN") or "")
        level = _level(domain) or (Level.INDUSTRY if row.get("TRADE_DEPT") else None)
        if level is None and base_url is not None and str(row.get("TABLE_NAME") or "BV_GB") == "BV_GB":
            level = Level.NATIONAL  # gbQueryPage lists national standards only
        data: dict[str, Any] = {
            "id": identifier,
            "source": SOURCE,
            "url": where,
            "level": level,
            "body": _body(level) or (clean(str(row["CHARGE_DEPT"])) if row.get("CHARGE_DEPT") else None),
            "title_zh": _untagged(row.get("C_NAME") or row.get("C_C_NAME")) or None,
            "title_en": clean(str(row.get("E_NAME") or "")) or None,
            "status": status_of(row.get("STATE")),
            "status_raw": row.get("STATE") or None,
            "ccs": split_ccs(str(row.get("CCS") or "")),
            "ics": split_codes(str(row.get("ICS") or "")),
            "published_date": parse_date(row.get("ISSUE_DATE")),
            "implemented_date": parse_date(row.get("ACT_DATE")),
        }
        out.append(standard_from_page(data, str(data["url"]), fetched_at))
    return out


def parse_query_page(body: bytes, url: str, base_url: str, page_size: int,
                     fetched_at: dt.datetime | None = None) -> Listing:
    """A ``gb/search/gbQueryPage`` JSON answer: one Hit per row, to be completed from its gbDetailed page."""
    payload, _ = _json_rows(body, url)
    records = parse_search_json(body, url, fetched_at, base_url)
    total = payload.get("total")
    total = total if isinstance(total, int) else None
    page = payload.get("pageNumber")
    return Listing(hits=[Hit(r, r.url) for r in records], page=page if isinstance(page, int) else 1,
                   pages=-(-total // page_size) if total is not None and page_size > 0 else None, total=total)


def parse_search_listing(body: bytes, base_url: str, encoding: str | None = None,
                         fetched_at: dt.datetime | None = None) -> Listing:
    """A search-result page as a Listing: plans are complete as listed, standards have a detail page."""
    records = parse_search(body, base_url, encoding, fetched_at)
    text = decode_html(body, encoding)
    current = re.search(r"currentPage\s*:\s*(\d+)", text)
    pages = re.search(r"totalPages\s*:\s*(\d+)", text)
    total = re.search(r'class="nums"[^>]*>[^<]*<span>\s*(\d+)', text)
    return Listing(hits=[Hit(r, None if r.plan_number else r.url) for r in records],
                   page=int(current.group(1)) if current else 1,
                   pages=int(pages.group(1)) if pages else None,
                   total=int(total.group(1)) if total else None)
