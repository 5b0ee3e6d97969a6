"""Field readers shared by the international bodies' records: stages and statuses, bodies, dates, text."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from typing import Any

from crawlers.parsers.standard_record import standard_record
from vrscope.records import Standard, StandardStatus

# ISO harmonized stage codes (also used by IEC and for ISO/IEC JTC 1): stage XX, then XX.YY.
ISO_STAGES: dict[str, str] = {
    "00": "Preliminary", "10": "Proposal", "20": "Preparatory", "30": "Committee", "40": "Enquiry",
    "50": "Approval", "60": "Publication", "90": "Review", "95": "Withdrawal",
}
ISO_STAGE_CODES: dict[str, str] = {
    "00.00": "Proposal for new project received",
    "00.20": "Proposal for new project under review",
    "00.60": "Close of review",
    "00.98": "Proposal for new project abandoned",
    "00.99": "Approval to ballot proposal for new project",
    "10.00": "Proposal for new project registered",
    "10.20": "New project ballot initiated",
    "10.60": "Close of voting",
    "10.92": "Proposal returned to submitter for further definition",
    "10.98": "New project rejected",
    "10.99": "New project approved",
    "20.00": "New project registered in TC/SC work programme",
    "20.20": "Working draft (WD) study initiated",
    "20.60": "Close of comment period",
    "20.98": "Project deleted",
    "20.99": "WD approved for registration as CD",
    "30.00": "Committee draft (CD) registered",
    "30.20": "CD consultation initiated",
    "30.60": "Close of comment period",
    "30.92": "CD referred back to Working Group",
    "30.98": "Project cancelled",
    "30.99": "CD approved for registration as DIS",
    "40.00": "DIS registered",
    "40.20": "DIS ballot initiated: 12 weeks",
    "40.60": "Close of voting",
    "40.92": "Full report circulated: DIS referred back to TC or SC",
    "40.93": "Full report circulated: decision for new DIS ballot",
    "40.98": "Project cancelled",
    "40.99": "Full report circulated: DIS approved for registration as FDIS",
    "50.00": "Final text received or FDIS registered for formal approval",
    "50.20": "Proof sent to secretariat or FDIS ballot initiated: 8 weeks",
    "50.60": "Close of voting. Proof returned by secretariat",
    "50.92": "FDIS or proof referred back to TC or SC",
    "50.98": "Project cancelled",
    "50.99": "FDIS or proof approved for publication",
    "60.00": "International Standard under Publication",
    "60.60": "International Standard published",
    "90.20": "International Standard under systematic review",
    "90.60": "Close of review",
    "90.92": "International Standard to be revised",
    "90.93": "International Standard confirmed",
    "90.99": "Withdrawal of International Standard proposed by TC or SC",
    "95.20": "Withdrawal ballot initiated",
    "95.60": "Close of voting",
    "95.92": "Decision not to withdraw International Standard",
    "95.99": "Withdrawal of International Standard",
}
_STAGE_STATUS: dict[str, StandardStatus] = {
    "00": StandardStatus.PLAN, "10": StandardStatus.PLAN, "20": StandardStatus.PREPARATORY,
    "30": StandardStatus.COMMITTEE_DRAFT, "40": StandardStatus.DRAFT_FOR_COMMENT,
    "50": StandardStatus.APPROVAL, "60": StandardStatus.PUBLISHED, "90": StandardStatus.UNDER_REVIEW,
    "95": StandardStatus.WITHDRAWN,
}
_CODE_STATUS: dict[str, StandardStatus] = {
    "60.00": StandardStatus.APPROVAL,  # approved, being printed: not yet published
    "90.93": StandardStatus.PUBLISHED,  # confirmed after review
    "95.20": StandardStatus.UNDER_REVIEW,  # withdrawal ballot: still valid until 95.99
    "95.60": StandardStatus.UNDER_REVIEW,
    "95.92": StandardStatus.PUBLISHED,  # decision not to withdraw
}
# Status words the catalogues and Relaton files use (IEC, IEEE, ITU …), lower case.
STATUS_WORDS: dict[str, StandardStatus] = {
    "published": StandardStatus.PUBLISHED,
    "in force": StandardStatus.PUBLISHED,
    "approved": StandardStatus.PUBLISHED,
    "active": StandardStatus.PUBLISHED,
    "confirmed": StandardStatus.PUBLISHED,
    "revised": StandardStatus.REPLACED,
    "replaced": StandardStatus.REPLACED,
    "superseded": StandardStatus.REPLACED,
    "withdrawn": StandardStatus.WITHDRAWN,
    "withdrawal": StandardStatus.WITHDRAWN,
    "inactive": StandardStatus.WITHDRAWN,
    "cancelled": StandardStatus.WITHDRAWN,
    "draft": StandardStatus.UNDER_DEVELOPMENT,
    "in progress": StandardStatus.UNDER_DEVELOPMENT,
    "under development": StandardStatus.UNDER_DEVELOPMENT,
}
# Bodies that co-publish under a joint prefix (ISO/IEC, IEC/IEEE, ISO/CIE, ISO/ASTM …).
JOINT_BODIES = {"ISO", "IEC", "IEEE", "CIE", "ASTM", "ANSI", "SAE", "ITU", "ETSI", "IDF", "OIML", "ASME"}
_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<br\s*/?>|</p>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v]+")
_UNTIDY = re.compile(r"[\t\r\n\f\v]|  ")
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")
_VERSION = re.compile(r"(\d+)\.\d+(?:\.\d+)?$")


@dataclass(frozen=True)
class Status:
    """A status normalized to StandardStatus, with the source's own code, name and word."""

    status: StandardStatus | None = None
    stage_code: str | None = None
    stage_name: str | None = None
    status_raw: str | None = None


def iso_stage(stage: object, substage: object = None) -> Status | None:
    """An ISO harmonized stage ('60' + '60' → 60.60, published), or None when it is not a stage code."""
    code = str(stage).strip() if stage is not None else ""
    sub = str(substage).strip() if substage is not None else ""
    if not re.fullmatch(r"\d{2}", code):
        return None
    if re.fullmatch(r"\d{2}", sub):
        full = f"{code}.{sub}"
        if sub == "98":  # project abandoned, deleted or cancelled at that stage
            status: StandardStatus | None = StandardStatus.WITHDRAWN
        else:
            status = _CODE_STATUS.get(full) or _STAGE_STATUS.get(code)
        return Status(status, full, ISO_STAGE_CODES.get(full) or ISO_STAGES.get(code), full)
    return Status(_STAGE_STATUS.get(code), code, ISO_STAGES.get(code), code)


def ieee_status(stage: str | None, standard_status: str | None, modified: str | None = None) -> Status:
    """IEEE: the stage word refined by IEEE's own standard status (Active, Inactive, Superseded)."""
    word = (stage or "").strip().lower()
    state = (standard_status or "").strip().lower()
    raw_parts = [p.strip() for p in (stage, standard_status, modified) if p and p.strip()]
    raw = "/".join(dict.fromkeys(raw_parts)) or None
    status = STATUS_WORDS.get(word)
    if word == "draft":
        # An inactive draft has been followed by a later draft or by the approved standard.
        status = StandardStatus.UNDER_DEVELOPMENT if state in {"", "active"} else StandardStatus.REPLACED
    elif word in {"", "approved"} and state:
        status = {"active": StandardStatus.PUBLISHED, "superseded": StandardStatus.REPLACED,
                  "inactive": StandardStatus.WITHDRAWN}.get(state, status)
    return Status(status, None, None, raw)


def word_status(word: str | None) -> Status:
    """A status word ('PUBLISHED', 'REVISED', 'Withdrawal'): normalized, the word kept as status_raw."""
    text = (word or "").strip()
    return Status(STATUS_WORDS.get(text.lower()), None, None, text or None)


def stage_status(stage: object, substage: object = None) -> Status:
    """Whatever a 'stage' field holds: an ISO stage code or a status word."""
    return iso_stage(stage, substage) or word_status(str(stage) if stage is not None else None)


def version_status(version: str | None) -> Status:
    """3GPP: major version 0–2 is a draft before approval, 3 and up is under change control."""
    match = _VERSION.search(version or "")
    if not match:
        return Status()
    major = int(match.group(1))
    return Status(StandardStatus.UNDER_DEVELOPMENT if major < 3 else StandardStatus.PUBLISHED)


def body_of(identifier: str, default: str) -> str:
    """The issuing body: the joint prefix of a co-published identifier (ISO/IEC …), else ``default``."""
    prefix = identifier.strip().split(" ", 1)[0].upper()
    parts = [p for p in prefix.split("/") if p in JOINT_BODIES]
    if len(parts) >= 2 and default.upper() in parts:
        return "/".join(parts)
    return default


def date_text(value: object) -> str | None:
    """A date as text, whatever YAML or JSON made of it (date object, int year, string)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip() or None


def parse_date(value: object) -> dt.date | None:
    """A date from 'YYYY-MM-DD', 'YYYY-MM' (→ the 1st) or 'YYYY' (→ 1 January); None if unreadable."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _DATE.match(date_text(value) or "")
    if not match:
        return None
    year, month, day = match.groups()
    try:
        return dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None


def plain(text: object, markup: bool = False) -> str | None:
    """Text with entities decoded and, for HTML, tags dropped and line breaks kept; None if empty."""
    if text is None:
        return None
    value = str(text)
    if not markup and "&" not in value and not _UNTIDY.search(value):
        return value.strip() or None  # the common case: one clean line
    if markup:
        value = _TAG.sub("", _BREAK.sub("\n", value))
    if "&" in value:
        value = html.unescape(value)
    lines = (_SPACES.sub(" ", line).strip() for line in value.replace("\r\n", "\n").split("\n"))
    out = "\n".join(line for line in lines if line)
    return out or None


def committee_name(raw: str, body: str) -> str:
    """A committee as the body writes it: 'technicalCommittee:TC 61' → 'IEC TC 61', '3GPP' + 'S1'."""
    name = plain(raw.split(":", 1)[1] if raw.startswith("technicalCommittee:") else raw) or ""
    if body == "IEC" and re.match(r"^(TC|SC|SyC)\b", name):
        return f"IEC {name}"
    if body == "3GPP" and not name.upper().startswith("3GPP"):
        return f"3GPP {name}"
    return name


def standard_from_fields(
    fields: dict[str, Any], raw_id: str, fetched_at: dt.datetime | None = None
) -> Standard:
    """The Standard a body's record fields make (stamped with ``fetched_at`` when given); else ParseError."""
    return standard_record(fields, fetched_at, raw_id)
