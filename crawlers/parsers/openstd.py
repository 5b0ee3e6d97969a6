"""openstd.samr.gov.cn (国家标准全文公开系统): search-result pages and standard detail pages.

Both the old ``/bzgk/gb/`` and the new ``/bzgk/std/`` paths are read, 2019–2026 layouts alike: the
list table is read by its column headers (``sortcol``), the detail page by its label → value pairs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector
from pydantic import BaseModel, ConfigDict

from crawlers.parsers.cn_std import (
    CN_ID,
    committee_of,
    detail_codes_and_dates,
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

SOURCE = "openstd"
BODY = "SAC"
_SHOW_INFO = re.compile(r"showInfo\(\s*['\"]([0-9A-Fa-f]+)['\"]")
_PAGES = re.compile(r"pages\s*:\s*[\"']?(\d+)")
_NEXTPAGE = re.compile(r"var\s+nextpage\s*=\s*(\d+)")
_PAGE_SIZE = re.compile(r"var\s+pageSize\s*=\s*(\d+)")
_TOTAL = re.compile(r"共\s*(\d+)\s*条标准")
_CURRENT_OF = re.compile(r"条标准\s*(\d+)\s*/\s*(\d+)")
_LABELLED = re.compile(r"^([\u4e00-\u9fff（）()]{2,16})\s*[：:]\s*(.*)$", re.S)
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")


class ListEntry(BaseModel):
    """One row of a search-result page."""

    model_config = ConfigDict(frozen=True)

    identifier: str
    title_zh: str | None = None
    status_raw: str | None = None
    status: StandardStatus | None = None
    hcno: str
    url: str
    adopted: bool = False
    published_date: dt.date | None = None
    implemented_date: dt.date | None = None


class ListPage(BaseModel):
    """A search-result page: its rows, where it sits in the result set and the next page's URL."""

    model_config = ConfigDict(frozen=True)

    entries: list[ListEntry]
    page: int = 1
    pages: int | None = None
    total: int | None = None
    next_url: str | None = None


def hcno_for(identifier: str) -> str:
    """The site's detail key for an identifier: upper-case hex MD5 of e.g. 'GB/T 20223-2006'."""
    # Checked against every recorded hcno (GB/T 1.1-2000/2009/2020, GB/T 20223-2006); it reaches
    # standards the keyword search does not list.
    return hashlib.md5(identifier.encode("utf-8")).hexdigest().upper()


def _label(text: str) -> str:
    """A label without brackets, spaces or colon: '国际标准分类号（ICS）' → '国际标准分类号'."""
    return re.sub(r"\s+", "", _BRACKETS.sub("", text)).rstrip("：:")


def _with_query(url: str, **changes: str) -> str:
    """The URL with some query parameters replaced or added, the rest kept in order."""
    parts = urlsplit(url)
    kept = parse_qsl(parts.query, keep_blank_values=True)
    pairs = [(k, v) for k, v in kept if k not in changes and k != "r"]  # r is the pager's cache-buster
    pairs.extend(changes.items())
    return urlunsplit(parts._replace(query=urlencode(pairs)))


def _page_numbers(sel: Selector, url: str) -> tuple[int, int | None, int | None, int | None]:
    """(current page, page count, total results, page size) from the pager text and its script."""
    script = "\n".join(sel.xpath("//script/text()").getall())
    text = node_text(sel.xpath("//body"))
    requested = dict(parse_qsl(urlsplit(url).query)).get("page", "")
    current = int(requested) if requested.isdigit() else None
    pages = int(m.group(1)) if (m := _PAGES.search(script)) else None
    if (m := _CURRENT_OF.search(text)) is not None:
        current = current or int(m.group(1))
        pages = pages if pages is not None else int(m.group(2))
    if current is None and (m := _NEXTPAGE.search(script)) is not None:
        current = int(m.group(1))
    total = int(m.group(1)) if (m := _TOTAL.search(text)) else None
    size = int(m.group(1)) if (m := _PAGE_SIZE.search(script)) else None
    return current or 1, pages, total, size


_EDITION = re.compile(r"^(.+)-(\d{4})$")


def edition_links(entries: list[ListEntry]) -> dict[str, tuple[list[str], list[str]]]:
    """Identifier → (replaces, replaced_by) between editions of one number a result page lists together.

    A page the site marks 被代替 (replaced) names no successor; the next edition of the same number on
    the list (GB/T 1.1-2009 → GB/T 1.1-2020) is it. Editions not marked replaced are left unlinked.
    """
    numbers: dict[str, list[tuple[int, str]]] = {}
    for entry in entries:
        found = _EDITION.match(entry.identifier)
        if found:
            numbers.setdefault(found.group(1), []).append((int(found.group(2)), entry.identifier))
    replaced = {e.identifier for e in entries if e.status is StandardStatus.REPLACED}
    links: dict[str, tuple[list[str], list[str]]] = {}
    for editions in numbers.values():
        ordered = [identifier for _, identifier in sorted(set(editions))]
        for older, newer in zip(ordered, ordered[1:], strict=False):
            if older in replaced:
                links.setdefault(older, ([], []))[1].append(newer)
                links.setdefault(newer, ([], []))[0].append(older)
    return links


def parse_list(body: bytes, base_url: str, encoding: str | None = None) -> ListPage:
    """Read a ``std_list`` search-result page; detail URLs are resolved against ``base_url``."""
    sel = selector(body, encoding)
    table = sel.xpath('//table[contains(concat(" ", normalize-space(@class), " "), " result_list ")]')
    if not table:
        raise ParseError(f"no result table on {base_url}: not an openstd search-result page")
    header = table[0].xpath(".//tr[th]")
    if not header:
        raise ParseError(f"result table without a header row on {base_url}")
    columns: dict[str, int] = {}
    for index, th in enumerate(header[0].xpath("./th")):
        key = th.xpath(".//@sortcol").get() or node_text(th)
        columns[key] = index
    if "standard_no" not in columns:
        raise ParseError(f"result table has no standard-number column on {base_url}")

    def cell(tds: list[Selector], key: str) -> Selector | None:
        index = columns.get(key)
        return tds[index] if index is not None and index < len(tds) else None

    entries = []
    for row in table[0].xpath(".//tr[td]"):
        tds = list(row.xpath("./td"))
        match = _SHOW_INFO.search(row.get())
        raw_id = node_text(cell(tds, "standard_no"))
        if not match or not raw_id:
            continue  # the "nothing found" row, or a row without a detail link
        hcno = match.group(1).upper()
        status_raw = node_text(cell(tds, "status")) or None
        entries.append(ListEntry(
            identifier=normalize_id(raw_id) or raw_id,
            title_zh=node_text(cell(tds, "cn_name")) or None,
            status_raw=status_raw,
            status=status_of(status_raw),
            hcno=hcno,
            url=urljoin(base_url, f"newGbInfo?hcno={hcno}"),
            adopted="采" in node_text(cell(tds, "caibiao_status")),
            published_date=parse_date(node_text(cell(tds, "circulation_date"))),
            implemented_date=parse_date(node_text(cell(tds, "implement_date"))),
        ))
    page, pages, total, size = _page_numbers(sel, base_url)
    next_url = None
    if pages is not None and page < pages:
        next_url = _with_query(base_url, page=str(page + 1), pageSize=str(size or 10))
    return ListPage(entries=entries, page=page, pages=pages, total=total, next_url=next_url)


def detail_fields(body: bytes, encoding: str | None = None) -> dict[str, str]:
    """Every label → value pair a detail page shows (标准号, 中文标准名称, 主管部门 …), cleaned."""
    return _fields(selector(body, encoding))


def _fields(sel: Selector) -> dict[str, str]:
    fields: dict[str, str] = {}
    scope = sel.xpath('//div[contains(concat(" ", normalize-space(@class), " "), " bor2 ")]') or sel
    heading = clean(" ".join(scope.xpath(".//h1/text()").getall()))
    if (m := _LABELLED.match(heading)) is not None:
        fields[_label(m.group(1))] = clean(m.group(2))
    for td in scope.xpath('.//table[contains(@class, "tdlist")]//td'):
        if (m := _LABELLED.match(node_text(td))) is not None:
            fields.setdefault(_label(m.group(1)), clean(m.group(2)))
    title_class = 'contains(concat(" ", normalize-space(@class), " "), " {} ")'
    for title in scope.xpath(f".//div[{title_class.format('title')}]"):
        value = title.xpath(f"following-sibling::div[{title_class.format('content')}][1]")
        label = _label(node_text(title))
        if label and value:
            fields.setdefault(label, node_text(value[0]))
    return fields


def _first(fields: dict[str, str], *labels: str) -> str | None:
    for label in labels:
        if fields.get(label):
            return fields[label]
    return None


def parse_detail(body: bytes, url: str, fetched_at: dt.datetime | None = None,
                 encoding: str | None = None) -> Standard:
    """Read a ``newGbInfo?hcno=…`` detail page into a Standard."""
    sel = selector(body, encoding)
    fields = _fields(sel)
    raw_id = fields.get("标准号") or clean(sel.xpath("//title/text()").get("")).rpartition("|")[2]
    found = CN_ID.search(raw_id)
    identifier = normalize_id(found.group(0)) if found else None
    if not identifier:
        raise ParseError(f"no standard number on {url}: not an openstd detail page")
    replaces: list[str] = []
    replaced_by: list[str] = []
    for label, value in fields.items():
        if "代替" in label or "替代" in label:
            target = replaced_by if label.startswith("被") or label.endswith(("代替", "替代")) else replaces
            target.extend(i for i in find_ids(value) if i != identifier and i not in target)
    status_raw = fields.get("标准状态") or None
    data: dict[str, object] = {
        "id": identifier,
        "source": SOURCE,
        "url": url,
        "level": Level.NATIONAL if identifier.startswith("GB") else None,
        "body": BODY if identifier.startswith("GB") else None,
        "title_zh": fields.get("中文标准名称") or None,
        "title_en": fields.get("英文标准名称") or None,
        "status": status_of(status_raw),
        "status_raw": status_raw,
        "committee": committee_of(_first(fields, "归口单位", "技术归口", "执行单位", "归口部门")),
        **detail_codes_and_dates(fields),
        "drafting_orgs": split_orgs(_first(fields, "起草单位", "主要起草单位")),
        "replaces": replaces,
        "replaced_by": replaced_by,
        "adoption": parse_adoption(_first(fields, "采标情况", "采用国际标准", "采标")),
    }
    return standard_from_page(data, url, fetched_at)
