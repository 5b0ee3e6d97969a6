"""Field readers shared by the Chinese standards sites: status words, adoption, identifiers, committees."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, Literal, cast

from crawlers.parsers.htmltext import clean, parse_date
from crawlers.parsers.standard_record import standard_record
from vrscope.ids import InvalidIdentifier, normalize_standard_id
from vrscope.records import Adoption, Standard, StandardStatus

# The status words openstd.samr.gov.cn and std.samr.gov.cn print, mapped to one vocabulary.
STATUS_WORDS: dict[str, StandardStatus] = {
    "现行": StandardStatus.PUBLISHED,
    "现行有效": StandardStatus.PUBLISHED,
    "有效": StandardStatus.PUBLISHED,
    "即将废止": StandardStatus.PUBLISHED,
    "即将实施": StandardStatus.TO_BE_IMPLEMENTED,
    "待实施": StandardStatus.TO_BE_IMPLEMENTED,
    "废止": StandardStatus.WITHDRAWN,
    "已废止": StandardStatus.WITHDRAWN,
    "作废": StandardStatus.WITHDRAWN,
    "被代替": StandardStatus.REPLACED,
    "已被代替": StandardStatus.REPLACED,
    "被替代": StandardStatus.REPLACED,
    # plan stages (国标计划) on std.samr.gov.cn
    "已下达": StandardStatus.PLAN,
    "正在起草": StandardStatus.UNDER_DEVELOPMENT,
    "正在征求意见": StandardStatus.DRAFT_FOR_COMMENT,
    "征求意见": StandardStatus.DRAFT_FOR_COMMENT,
    "正在审查": StandardStatus.UNDER_REVIEW,
    "正在批准": StandardStatus.APPROVAL,
    "已发布": StandardStatus.PUBLISHED,
    "已终止": StandardStatus.WITHDRAWN,
}

Degree = Literal["IDT", "MOD", "NEQ", "EQV"]
# Longest first: 非等效 before 等效.
_DEGREE_WORDS: list[tuple[str, Degree]] = [
    ("非等效采用", "NEQ"), ("非等效", "NEQ"), ("等同采用", "IDT"), ("等同", "IDT"),
    ("修改采用", "MOD"), ("修改", "MOD"), ("等效采用", "EQV"), ("等效", "EQV"),
]
_DEGREE_CODE = re.compile(r"\b(IDT|MOD|NEQ|EQV)\b", re.IGNORECASE)
_INTL_ID = re.compile(
    r"(?:ISO(?:/IEC)?(?:/IEEE)?|IEC(?:/IEEE)?|ITU-T|IEEE|ETSI|EN|ASTM|JIS|DIN|BS|ANSI|UL|SAE)"
    r"(?:\s*/?\s*(?:TR|TS|PAS|IWA|Guide)\b)?\s*[A-Z]?\s*[\d][\w.\-/]*(?:\s*:\s*\d{4})?",
)
CN_ID = re.compile(
    r"(?<![A-Za-z])(?:GB|[A-Z]{1,4}\d{0,2})\s*(?:[/／]\s*[TZ])?\s*\d[\d.]*(?:\s*[-—－–]\s*\d{4})?",
)
_TC_CODE = re.compile(r"(?:SAC\s*/\s*)?TC\s*(\d+)(?:\s*/?\s*SC\s*(\d+))?", re.IGNORECASE)
_CCS = re.compile(r"(?<![A-Z0-9])([A-Z])\s*\.?\s*(\d{2})(?![\d.])")
_ORG_SPLIT = re.compile(r"[、，,;；]+")
_EVENT = re.compile(r"(发布|实施|废止)\s*于\s*(\d{4}-\d{2}-\d{2})")


def status_of(word: str | None) -> StandardStatus | None:
    """The normalized status for a source's status word, or None when it is not one we know."""
    key = clean(word)
    return STATUS_WORDS.get(key) if key else None


def normalize_id(raw: str) -> str | None:
    """A normalized standard identifier, or None when the text is not one."""
    try:
        return normalize_standard_id(raw)
    except InvalidIdentifier:
        return None


def find_ids(text: str) -> list[str]:
    """Every Chinese or international standard identifier in a free-text field, normalized, in order."""
    intl = [(m.start(), m.end(), m.group(0)) for m in _INTL_ID.finditer(text)]
    found = [(start, raw) for start, _, raw in intl]
    for match in CN_ID.finditer(text):
        if not any(start <= match.start() < end for start, end, _ in intl):
            found.append((match.start(), match.group(0)))
    idents = (normalize_id(raw) for _, raw in sorted(found))
    return list(dict.fromkeys(i for i in idents if i))


def parse_adoption(text: str | None) -> Adoption | None:
    """Read an adoption note ('IDT ISO 9241-1:1997', 'ISO/IEC 18040:2019, IDT', '等同采用 ISO …')."""
    value = clean(text)
    if not value or value in {"无", "-", "/"}:
        return None
    degree: Degree | None = None
    code = _DEGREE_CODE.search(value)
    if code:
        degree = cast(Degree, code.group(1).upper())
    else:
        for word, mapped in _DEGREE_WORDS:
            if word in value:
                degree = mapped
                break
    intl = _INTL_ID.search(value)
    if intl:
        identifier = normalize_id(intl.group(0))
    else:
        rest = _DEGREE_CODE.sub(" ", value)
        for word, _ in _DEGREE_WORDS:
            rest = rest.replace(word, " ")
        identifier = normalize_id(clean(rest.strip(" ,，;；()（）")))
    if not identifier:
        return None
    return Adoption(identifier=identifier, degree=degree)


def committee_of(text: str | None) -> str | None:
    """A committee as 'TC28 全国信息技术标准化技术委员会' when a TC code is given, else its name."""
    value = clean(text)
    if not value:
        return None
    match = _TC_CODE.search(value)
    if not match:
        return value
    code = f"TC{match.group(1)}" + (f"/SC{match.group(2)}" if match.group(2) else "")
    name = clean(_TC_CODE.sub(" ", value).replace("()", " ").replace("（）", " ").strip(" ()（）"))
    return f"{code} {name}" if name else code


def split_orgs(text: str | None) -> list[str]:
    """Organizations from a list separated by 、，, or ; (a trailing '等' dropped)."""
    out = []
    for part in _ORG_SPLIT.split(clean(text)):
        name = part.strip().rstrip("。")
        if name.endswith("等") and len(name) > 2:
            name = name[:-1].strip()
        if name:
            out.append(name)
    return list(dict.fromkeys(out))


def split_ccs(text: str | None) -> list[str]:
    """CCS codes ('L60', 'Q 34', 'A.00' → 'A00'); anything not shaped like one is dropped."""
    return list(dict.fromkeys(f"{m.group(1)}{m.group(2)}" for m in _CCS.finditer(clean(text).upper())))


def split_codes(text: str | None) -> list[str]:
    """ICS or CCS codes from '35.240; 35.180' or '35.240 35.180'."""
    return [c for c in re.split(r"[\s,，;；、]+", clean(text)) if c and c not in {"无", "-", "/"}]


def events_in(text: str) -> dict[str, dt.date | None]:
    """'发布于 2019-12-10' … in a status or timeline text as 发布/实施/废止 → date."""
    return {word: parse_date(day) for word, day in _EVENT.findall(text)}


def detail_codes_and_dates(
    fields: Mapping[str, str], events: Mapping[str, dt.date | None] | None = None
) -> dict[str, Any]:
    """CCS, ICS and the publication, implementation and withdrawal dates from a detail page's labels;
    a date the labels lack comes from ``events`` (as ``events_in`` reads them)."""
    events = events or {}
    return {
        "ccs": split_ccs(fields.get("中国标准分类号")),
        "ics": split_codes(fields.get("国际标准分类号")),
        "published_date": parse_date(fields.get("发布日期")) or events.get("发布"),
        "implemented_date": parse_date(fields.get("实施日期")) or events.get("实施"),
        "withdrawn_date": parse_date(fields.get("废止日期")) or events.get("废止"),
    }


def standard_from_page(data: dict[str, Any], url: str, fetched_at: dt.datetime | None = None) -> Standard:
    """The Standard a page's fields make (stamped with ``fetched_at`` when given); else ParseError."""
    return standard_record(data, fetched_at, f"{url}: fields do not make a Standard")
