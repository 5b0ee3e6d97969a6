"""ttbz.org.cn (全国团体标准信息平台): the standard search page and the standard / draft detail pages.

Group standards (团体标准, ``T/<group code> <number>—<year>``) and the drafts a group publishes for
comment (征求意见稿), whose detail page carries a comment deadline. Pages are UTF-8 today; older
exports and mirrors come as GBK/GB18030, which ``htmltext.selector`` decodes.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urljoin

from parsel import Selector

from crawlers.parsers.cn_std import normalize_id, split_ccs, split_orgs, status_of
from crawlers.parsers.errors import ParseError
from crawlers.parsers.htmltext import clean, node_text, parse_date, selector
from crawlers.parsers.listing import Hit, Listing, make_standard
from vrscope.records import Level, Standard, StandardStatus

SOURCE = "ttbz"
# ttbz's own status words beyond those the national sites share (cn_std.STATUS_WORDS).
STATUS_WORDS: dict[str, StandardStatus] = {
    "征求意见稿": StandardStatus.DRAFT_FOR_COMMENT,
    "公开征求意见": StandardStatus.DRAFT_FOR_COMMENT,
    "征求意见中": StandardStatus.DRAFT_FOR_COMMENT,
    "征求意见结束": StandardStatus.UNDER_DEVELOPMENT,
    "立项": StandardStatus.PLAN,
}
# Labels a comment deadline goes by on a draft's page.
DEADLINE_LABELS = ("征求意见截止日期", "意见反馈截止日期", "征求意见截止时间", "意见反馈截止时间", "截止日期")
_ICS = re.compile(r"\b\d{2}(?:\.\d{3})?(?:\.\d{2})?\b")
_TOTAL = re.compile(r"共计\s*(\d+)\s*条")
_LABEL_END = re.compile(r"[\s：:]+$")


def status(word: str | None) -> StandardStatus | None:
    """A ttbz status word in the shared vocabulary."""
    key = clean(word)
    return STATUS_WORDS.get(key) or status_of(key)


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(clean(value))
    except ValueError:
        return default


def parse_search(body: bytes, base_url: str, encoding: str | None = None,
                 fetched_at: dt.datetime | None = None) -> Listing:
    """A ``/Home/Standard`` result page: one partial Standard per row, with its detail page to follow."""
    sel = selector(body, encoding)
    table = sel.xpath('//table[contains(@class, "standard_list_table")][.//th[contains(., "标准编号")]]')
    if not table:
        raise ParseError(f"no standard list on {base_url}: not a ttbz.org.cn search page")
    hits = []
    for row in table[0].xpath("./tr[td] | ./tbody/tr[td]"):
        cells = [node_text(td) for td in row.xpath("./td")]
        link = row.xpath(".//a[contains(@href, 'Detail')]/@href").get()
        if len(cells) < 6 or not link:
            continue
        identifier = normalize_id(cells[2])
        if not identifier:
            continue
        url = urljoin(base_url.rstrip("/") + "/", link.lstrip("/")).rstrip("/")
        data: dict[str, Any] = {
            "id": identifier, "source": SOURCE, "url": url, "level": Level.GROUP, "body": cells[1] or None,
            "title_zh": cells[3] or None, "status": status(cells[5]), "status_raw": cells[5] or None,
            "published_date": parse_date(cells[4]),
        }
        hits.append(Hit(make_standard(data, base_url, fetched_at), url))
    total_text = _TOTAL.search(node_text(sel.xpath('//span[contains(., "共计")]')))
    return Listing(hits=hits, page=_int(sel.xpath('//input[@id="page"]/@value').get(), 1) or 1,
                   pages=_int(sel.xpath('//input[@id="PageCount"]/@value').get()),
                   total=int(total_text.group(1)) if total_text else None)


def _fields(sel: Selector) -> dict[str, str]:
    """Every 'label | value' row of the page's tables, first occurrence of a label kept."""
    out: dict[str, str] = {}
    for row in sel.xpath('//table[contains(@class, "tctable")]//tr[count(td) >= 2]'):
        label = _LABEL_END.sub("", node_text(row.xpath("./td[1]")))
        if label:
            out.setdefault(label, node_text(row.xpath("./td[2]")))
    return out


def parse_detail(body: bytes, url: str, fetched_at: dt.datetime | None = None,
                 encoding: str | None = None) -> Standard:
    """A ``/StandardManage/Detail/{id}`` page (standard or draft for comment) into a Standard."""
    sel = selector(body, encoding)
    fields = _fields(sel)
    identifier = normalize_id(fields.get("标准编号", ""))
    if not identifier:
        raise ParseError(f"no standard number on {url}: not a ttbz.org.cn detail page")
    word = fields.get("标准状态") or None
    deadline = next((parse_date(fields[label]) for label in DEADLINE_LABELS if fields.get(label)), None)
    normalized = status(word)
    if deadline is not None and normalized is None:
        normalized = StandardStatus.DRAFT_FOR_COMMENT  # a page with a comment deadline is a draft
    data: dict[str, Any] = {
        "id": identifier,
        "source": SOURCE,
        "url": url,
        "level": Level.GROUP,
        "body": fields.get("团体名称") or None,
        "title_zh": fields.get("中文标题") or fields.get("标准名称") or None,
        "title_en": fields.get("英文标题") or None,
        "abstract": fields.get("范围") or None,
        "status": normalized,
        "status_raw": word,
        "ics": list(dict.fromkeys(_ICS.findall(fields.get("国际标准分类号", "")))),
        "ccs": split_ccs(fields.get("中国标准分类号")),
        "published_date": parse_date(fields.get("发布日期")),
        "implemented_date": parse_date(fields.get("实施日期")),
        "comment_deadline": deadline,
        "drafting_orgs": split_orgs(fields.get("起草单位")),
    }
    return make_standard(data, url, fetched_at)
