"""Export any view or result list as CSV (UTF-8 with BOM, for Excel), JSON Lines or XLSX."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from fastapi import Response
from pydantic import BaseModel, Field

from search.analytics import MatrixResult, PlayersResult, TrendsResult
from search.backend import Hit

ExportFormat = Literal["json", "csv", "jsonl", "xlsx"]
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HIT_COLUMNS = ["id", "doc_type", "title", "year", "jurisdiction", "status", "applicants", "techs", "forms",
               "url"]


class ExportParams(BaseModel):
    """The ``format`` query parameter: json (default) or a file to download."""

    format: ExportFormat = Field(default="json", description="json, or a download: csv, jsonl, xlsx")


def _cell(value: Any) -> Any:
    """A value fit for a CSV or XLSX cell: lists joined with '; ', None empty."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str) and value[:1] in FORMULA_START:
        return "'" + value  # crawled text must not run as a spreadsheet formula
    return value


def to_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> bytes:
    """CSV with a UTF-8 byte-order mark so that Excel reads Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_jsonl(rows: Iterable[dict[str, Any]]) -> bytes:
    """One JSON object per line, non-ASCII kept as is."""
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")


def to_xlsx(rows: Iterable[dict[str, Any]], columns: Sequence[str], sheet: str) -> bytes:
    """An XLSX workbook with one sheet: a header row, then the rows."""
    from openpyxl import Workbook  # imported on use: only exports need it

    book = Workbook(write_only=True)
    ws = book.create_sheet(title=sheet[:31])
    ws.append(list(columns))
    for row in rows:
        ws.append([_cell(row.get(c)) for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download(rows: list[dict[str, Any]], columns: Sequence[str], fmt: ExportFormat, name: str) -> Response:
    """The rows as a file attachment in the chosen format (not json)."""
    if fmt == "csv":
        body = to_csv(rows, columns)
    elif fmt == "jsonl":
        body = to_jsonl(rows)
    elif fmt == "xlsx":
        body = to_xlsx(rows, columns, name)
    else:
        raise ValueError(f"not a download format: {fmt}")
    headers = {"Content-Disposition": f'attachment; filename="vrscope-{name}.{fmt}"'}
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)


def trends_table(result: TrendsResult) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per value: its growth figures, then one column per year."""
    columns = ["value", "total", "share", "cagr", "slope", *(str(y) for y in result.years)]
    rows = [{"value": s.value, "total": s.total, "share": s.share, "cagr": s.cagr, "slope": s.slope,
             **{str(y): n for y, n in zip(result.years, s.counts, strict=True)}} for s in result.series]
    return rows, columns


def matrix_table(result: MatrixResult) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per form × technology cell."""
    columns = ["form", "tech", "count", "recent", "previous", "growth"]
    return [cell.model_dump() for cell in result.cells], columns


def players_table(result: PlayersResult) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per applicant, ranked."""
    columns = ["rank", "name", "count", "district"]
    rows = [{"rank": i, **p.model_dump()} for i, p in enumerate(result.players, start=1)]
    return rows, columns


def hits_table(hits: Iterable[Hit]) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per search hit (the snippet left out: it is HTML)."""
    return [hit.model_dump(include=set(HIT_COLUMNS)) for hit in hits], HIT_COLUMNS
