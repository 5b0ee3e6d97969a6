"""The standards tracker's command (changes); registered on the app in vrscope.cli."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from vrscope.changes import ChangeKind
from vrscope.settings import get_settings

console = Console()
DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data directory (store, index, models); default VRSCOPE_DATA_DIR."),
]
Since = Annotated[
    str, typer.Option("--since", help="Changes observed on or after this day (YYYY-MM-DD, UTC).")
]
Kinds = Annotated[
    list[ChangeKind] | None,
    typer.Option("--kind", help="Only this kind of change (repeatable): new, new_draft, stage_change, "
                                "status_change, withdrawn, replaced."),
]


def parse_day(text: str) -> dt.date:
    """A YYYY-MM-DD day; typer.BadParameter otherwise."""
    try:
        if len(text.strip()) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date written YYYY-MM-DD", param_hint="--since") from None


def changes(since: Since, kind: Kinds = None, data_dir: DataDir = None) -> None:
    """Print the standards' changes seen since a day: new drafts, stage and status moves, withdrawals."""
    from vrscope.store import Store

    day = parse_day(since)
    settings = get_settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    kinds = [k.value for k in kind] if kind else None
    with Store(settings.db_path) as store:
        found = store.changes_since(day, kinds)
        titles = {c.doc_id: doc.display_title for c in found if (doc := store.get(c.doc_id)) is not None}
    table = Table(title=f"changes since {day.isoformat()}: {len(found)}")
    for column in ("observed", "standard", "change", "from", "to", "effective", "source"):
        table.add_column(column, no_wrap=column in ("observed", "effective"))
    table.add_column("title", overflow="fold", min_width=12, ratio=1)
    for c in found:
        effective = c.effective_date.isoformat() if c.effective_date else ""
        table.add_row(c.observed_at.strftime("%Y-%m-%d %H:%M"), c.doc_id, c.kind.value, c.old_value or "",
                      c.new_value or "", effective, c.source, titles.get(c.doc_id, ""))
    console.print(table)
