"""Training and labelling input: JSON-lines rows → records, standard series, unlabelled catalogues."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from classify.weak import has_cjk
from vrscope.records import Level, Patent, Standard

Text = str | dict[str, str] | None
Codes = list[str] | str | None
_PART = re.compile(r"^([A-Za-z]*\d+(?:\.\d+)?)")
_CUT = re.compile(r":|/(?:Amd|AMD|Cor|COR|DAmd|FDAmd|DCOR|Add)\b|\s\(|\+")
_ANY_NUMBER = "XX0"  # a publication number Patent accepts, for a row whose own id is not one


class InputRow(BaseModel):
    """One input line: standards_dev.jsonl-shaped or patent-shaped; unknown keys (e.g. label) ignored."""

    model_config = ConfigDict(extra="ignore")

    id: str | int
    doc_type: Literal["patent", "standard"] | None = None
    source: str | None = None
    url: str | None = None
    title: Text = None
    titles: dict[str, str] | None = None
    title_en: str | None = None
    title_zh: str | None = None
    abstract: Text = None
    abstracts: dict[str, str] | None = None
    abstract_en: str | None = None
    abstract_zh: str | None = None
    claims: Text = None
    keywords: list[str] | str | None = None
    committee: Codes = None
    group: str | None = None
    ics: Codes = None
    cpc: Codes = None
    ipc: Codes = None

    def has_text(self) -> bool:
        """Whether the row has any title or abstract text at all."""
        fields = (self.title, self.titles, self.title_en, self.title_zh, self.abstract, self.abstracts,
                  self.abstract_en, self.abstract_zh)
        return any(_by_lang(f) if not isinstance(f, str) else f.strip() for f in fields if f)

    def is_patent(self) -> bool:
        """Patent-shaped: says so, or has CPC/IPC codes, or a plain title without title_en/zh."""
        if self.doc_type is not None:
            return self.doc_type == "patent"
        return self.cpc is not None or self.ipc is not None or (
            self.title is not None and self.title_en is None and self.title_zh is None)


def _by_lang(value: Text) -> dict[str, str]:
    """A text field as language → text (a plain string's language is guessed: zh or en)."""
    if value is None:
        return {}
    if isinstance(value, str):
        return {("zh" if has_cjk(value) else "en"): value} if value.strip() else {}
    return {k: v for k, v in value.items() if v and v.strip()}


def _en_zh(en: str | None, zh: str | None) -> dict[str, str]:
    """_by_lang({"en": en, "zh": zh}) without building the intermediate dict."""
    out = {}
    if en and en.strip():
        out["en"] = en
    if zh and zh.strip():
        out["zh"] = zh
    return out


def _ident(value: str | int) -> str:
    """The row's id as text (ValueError when blank)."""
    ident = str(value).strip()
    if not ident:
        raise ValueError("empty id")
    return ident


def _codes(value: Codes) -> list[str]:
    """A code list given as a list or a ';'/','-separated string."""
    if value is None:
        return []
    items = re.split(r"[;,]", value) if isinstance(value, str) else value
    return [c.strip() for c in items if c and c.strip()]


def record_from_row(row: dict[str, Any]) -> Patent | Standard:
    """A Patent or Standard from one row (ValueError with a readable message if it is not usable)."""
    try:
        data = InputRow.model_validate(row)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ValueError(problems) from None
    if data.is_patent():
        # Every text field goes into titles or abstracts, so both empty means has_text() is False.
        titles = _by_lang(data.titles) | _by_lang(data.title) | _en_zh(data.title_en, data.title_zh)
        abstracts = _by_lang(data.abstracts) | _by_lang(data.abstract) | _en_zh(data.abstract_en,
                                                                                data.abstract_zh)
        if not titles and not abstracts:
            raise ValueError("no title or abstract")
        ident = _ident(data.id)
        source = data.source or "input"
        fields: dict[str, Any] = {
            "id": ident, "source": source, "url": data.url, "titles": titles, "abstracts": abstracts,
            "claims": _by_lang(data.claims), "cpc": _codes(data.cpc), "ipc": _codes(data.ipc),
            "jurisdiction": ident[:2].upper() if ident[:2].isalpha() else "XX"}
        try:
            return Patent(**fields)
        except ValidationError as exc:  # not a publication number: keep the id as given
            if any(e["loc"] != ("id",) for e in exc.errors()):
                raise
            # What Patent.model_construct(**fields) gives (every other field is valid), without its cost:
            # pydantic inspects each default factory's signature on every call, about 0.3 ms a row.
            return Patent(**(fields | {"id": _ANY_NUMBER})).model_copy(update={"id": ident})
    if not data.has_text():
        raise ValueError("no title or abstract")
    ident = _ident(data.id)
    source = data.source or "input"
    abstract = "\n".join(p for p in (data.abstract_en, *_by_lang(data.abstract).values(),
                                     data.abstract_zh) if p)
    keywords = _codes(data.keywords)
    if keywords:
        abstract = "\n".join(p for p in (abstract, "Keywords: " + ", ".join(keywords)) if p)
    titles = _by_lang(data.title) | _by_lang(data.titles)
    committees = [c.removeprefix("technicalCommittee:") for c in _codes(data.committee)]
    if data.group and not committees:
        committees = [data.group]
    return Standard(
        id=ident, source=source, url=data.url, level=Level.INTERNATIONAL if data.source else None,
        body=(data.source or "").upper() or None, title_en=data.title_en or titles.get("en"),
        title_zh=data.title_zh or titles.get("zh"), abstract=abstract or None,
        committee="; ".join(committees) or None, ics=_codes(data.ics))


def read_rows(path: str | Path) -> Iterator[tuple[int, str]]:
    """(line number, line) of a JSON-lines file, gzip-compressed when the name ends in .gz."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                yield number, line


def series_key(identifier: str) -> str:
    """A standard's series: 'ISO/IEC 23090-2:2023/Amd 1' → 'ISO/IEC 23090' (drafts and types ignored)."""
    head = _CUT.split(identifier.strip(), maxsplit=1)[0]
    tokens = head.split()
    if not tokens:
        return identifier
    number = next((t for t in tokens[1:] if any(ch.isdigit() for ch in t)), None)
    if number is None:
        return head
    part = _PART.match(number.removeprefix("P"))
    return f"{tokens[0]} {part.group(1) if part else number.split('-')[0]}"


def _sample_key(text: str) -> str:
    """A stable pseudo-random key (the same sample on every machine)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def load_unlabelled(paths: Iterable[str | Path], *, hinted_per_file: int = 1500,
                    others_per_file: int = 300,
                    exclude_series: Iterable[str] = ()) -> list[Patent | Standard]:
    """Records of unlabelled catalogues: those with any taxonomy or code evidence, plus a sample of the rest.

    Rows of the same series and title (3GPP versions, re-editions) count once; rows of an
    excluded series (e.g. the labelled documents, or a cross-validation test fold) are skipped.
    """
    from classify.features import document

    excluded = set(exclude_series)
    out: list[Patent | Standard] = []
    for path in paths:
        seen: dict[tuple[str, str], Patent | Standard] = {}
        for _, line in read_rows(path):
            try:
                record = record_from_row(json.loads(line))
            except (ValueError, TypeError):
                continue
            series = series_key(record.id)
            if series in excluded:
                continue
            seen[(series, record.display_title.strip().lower())] = record
        hinted: list[Patent | Standard] = []
        others: list[Patent | Standard] = []
        for record in seen.values():
            (hinted if document(record)[1].score >= 0.1 else others).append(record)
        for group, cap in ((hinted, hinted_per_file), (others, others_per_file)):
            group.sort(key=lambda r: _sample_key(r.id))
            out.extend(group[:cap])
    return out
