"""The ``vrscope`` command: crawl, train, classify, index, serve, demo."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from crawlers.sources import SOURCES
from vrscope import cli_apikey, cli_model, cli_standards
from vrscope.settings import Settings, get_settings

app = typer.Typer(
    help="vrscope: VR patents and standards — crawl, classify, search, analyse.", no_args_is_help=True
)
console = Console()

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data directory (store, index, models); default VRSCOPE_DATA_DIR."),
]


class Engine(StrEnum):
    """The search engines --backend chooses from."""

    embedded = "embedded"
    elastic = "elastic"


BackendOption = Annotated[
    Engine | None,
    typer.Option("--backend", help="Search engine: embedded (tantivy) or elastic; default VRSCOPE_BACKEND."),
]
EsUrl = Annotated[
    str | None,
    typer.Option("--es-url", help="Elasticsearch URL for --backend elastic; default VRSCOPE_ES_URL."),
]


def _with_engine(settings: Settings, backend: Engine | None, es_url: str | None) -> Settings:
    """The settings with the engine options given on the command line."""
    update = {"backend": backend.value if backend else None, "es_url": es_url}
    update = {name: value for name, value in update.items() if value is not None}
    return settings.model_copy(update=update) if update else settings


def _settings(data_dir: Path | None) -> Settings:
    settings = get_settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    return settings


@contextmanager
def _bar(label: str, total: int) -> Iterator[Progress]:
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        progress.add_task(label, total=total)
        yield progress


def _advance(progress: Progress) -> Callable[[int], None]:
    task = progress.tasks[0].id
    return lambda n: progress.advance(task, n)


@app.command()
def crawl(
    source: Annotated[
        list[str] | None,
        typer.Option(
            "--source", "-s", help=f"Source to crawl (repeatable): {', '.join(SOURCES)}. Default: all."
        ),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Crawl sources into the store of record (base URLs and credentials from settings).

    Each source's options are settings (environment or .env; every one is listed in the README).

    epo_ops: VRSCOPE_EPO_OPS_QUERY (empty: queries built from the taxonomy), VRSCOPE_EPO_OPS_MAX_RESULTS.

    epo_ops extra requests per hit (on by default): VRSCOPE_EPO_OPS_FETCH_CLAIMS, _FAMILY and _LEGAL.

    epo_ops: VRSCOPE_EPO_OPS_OVERLAP_DAYS; needs VRSCOPE_EPO_OPS_KEY and _SECRET (EPO developer portal).

    uspto_odp: VRSCOPE_USPTO_ODP_QUERY, _DATE_FIELDS, _OVERLAP_DAYS, _MAX_RESULTS, _PAGE_SIZE, _FETCH_TEXT.

    uspto_odp and uspto_bulk (files on api.uspto.gov): need VRSCOPE_USPTO_ODP_API_KEY (data.uspto.gov).

    uspto_bulk: VRSCOPE_USPTO_BULK_URLS (weekly zips: URLs or local paths), _CPC_PREFIXES, _MAX_BYTES.

    patentsview: VRSCOPE_PATENTSVIEW_QUERY (JSON q), _OVERLAP_DAYS, _MAX_RESULTS, _PAGE_SIZE, _FETCH_CITATIONS

    patentsview: _RATE_PER_MINUTE (45); needs VRSCOPE_PATENTSVIEW_API_KEY.

    Crawls are incremental: each source and query keeps how far it got, and a rerun resumes from there.
    """
    from crawlers.run import crawl as run_crawl

    chosen = source or list(SOURCES)
    bad = [s for s in chosen if s not in SOURCES]
    if bad:
        raise typer.BadParameter(
            f"unknown source {bad[0]!r}; choose from {', '.join(SOURCES)}", param_hint="--source"
        )
    stats = run_crawl(_settings(data_dir), chosen)
    for name, st in stats.items():
        stored = sum(v for k, v in st.items() if k.startswith("vrscope/records/"))
        console.print(f"{name}: {stored} records seen, {st.get('vrscope/dead_letters', 0)} dead letters")


@app.command("import")
def import_(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="JSON-lines files, gzip or plain: standards catalogue records"
            " (*_catalog_index_all.jsonl.gz) or lines of a vrscope export.",
            exists=True, dir_okay=False, readable=True,
        ),
    ],
    source: Annotated[
        str | None,
        typer.Option(
            "--source", help="Source name for catalogue records (default: <body>-catalog, e.g. iso-catalog)."
        ),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Import records from JSON-lines files; repeated identifiers merge into one standard."""
    from vrscope.importer import run_import

    summary = run_import(_settings(data_dir), files, source, console)
    if summary.bad_lines or summary.broken_files:
        raise typer.Exit(code=1)


@app.command()
def train(
    dev: Annotated[
        Path | None, typer.Option("--dev", help="Labelled JSON-lines (standards_dev.jsonl shape).")
    ] = None,
    unlabelled: Annotated[
        list[Path] | None,
        typer.Option("--unlabelled", help="Unlabelled catalogue (.jsonl/.jsonl.gz); repeatable."),
    ] = None,
    cv: Annotated[int, typer.Option("--cv", help="Grouped CV folds on --dev for the card (0 = off).")] = 5,
    split: Annotated[
        list[str] | None, typer.Option("--split", help="CV grouping: series, publisher, committee.")
    ] = None,
    repeats: cli_model.Repeats = 1,
    data_dir: DataDir = None,
) -> None:
    """Train the classifier: store (weak labels), corrections, taxonomy, labelled and catalogue files."""
    from vrscope.modelling import train_model
    from vrscope.store import Store

    splits = split or ["series"]
    if bad := [s for s in splits if s not in ("series", "publisher", "committee")]:
        raise typer.BadParameter(f"unknown split {bad[0]!r}", param_hint="--split")
    cli_model.check_repeats(repeats, cv)
    settings = _settings(data_dir)
    with Store(settings.db_path) as store:
        classifier = train_model(store, settings, dev=dev, unlabelled=unlabelled or [], cv=cv,
                                 splits=splits, repeats=repeats,  # type: ignore[arg-type]
                                 progress=console.print)
    console.print(f"model {classifier.model_version} saved to {settings.model_dir} (card: README.md)")


app.command("label")(cli_model.label)
app.command("evaluate")(cli_model.evaluate)
app.command("label-fix")(cli_model.label_fix)
app.command("changes")(cli_standards.changes)
app.add_typer(cli_apikey.app, name="apikey")


@app.command()
def classify(
    all_documents: Annotated[
        bool, typer.Option("--all", help="Relabel every document, not only new ones.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Label every unlabelled (or changed) document; human corrections are never overwritten."""
    from vrscope.pipeline import classify_documents, load_or_train
    from vrscope.store import Store

    settings = _settings(data_dir)
    with Store(settings.db_path) as store:
        classifier = load_or_train(store, settings)
        total = store.count() if all_documents else len(store.unlabelled_ids(classifier.model_version))
        with _bar("classify", total) as progress:
            done = classify_documents(store, classifier, all_documents, _advance(progress))
    console.print(f"labelled {done} documents with {classifier.model_version}")


@app.command()
def index(
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Clear the index and rebuild it from the store.")
    ] = False,
    data_dir: DataDir = None,
    backend_name: BackendOption = None,
    es_url: EsUrl = None,
) -> None:
    """Write the store's documents and labels into the search index."""
    from search.backend import IndexingError
    from search.factory import get_backend
    from vrscope.pipeline import index_documents
    from vrscope.store import Store

    settings = _with_engine(_settings(data_dir), backend_name, es_url)
    backend = get_backend(settings)
    try:
        with Store(settings.db_path) as store, _bar("index", store.count()) as progress:
            written = index_documents(store, backend, rebuild, _advance(progress))
        console.print(f"indexed {written} documents ({backend.count()} in the index)")
    except IndexingError as exc:
        console.print(f"[red]indexing failed:[/red] {exc}")
        raise typer.Exit(1) from exc
    finally:
        backend.close()


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (default VRSCOPE_API_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (default VRSCOPE_API_PORT).")] = None,
    data_dir: DataDir = None,
    backend_name: BackendOption = None,
    es_url: EsUrl = None,
) -> None:
    """Serve the API and the dashboard."""
    import uvicorn

    from api.main import create_app

    settings = _with_engine(_settings(data_dir), backend_name, es_url)
    host = host or settings.api_host
    port = port or settings.api_port
    console.print(f"dashboard: http://{host}:{port}/   API docs: http://{host}:{port}/docs")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


def print_summary(settings: Settings) -> None:
    """Print documents per source, per type and per technology."""
    from search.factory import get_backend
    from vrscope.pipeline import summarize
    from vrscope.store import Store

    backend = get_backend(settings)
    try:
        with Store(settings.db_path) as store:
            summary = summarize(store, backend)
    finally:
        backend.close()
    table = Table(title="vrscope summary")
    table.add_column("what")
    table.add_column("documents", justify="right")
    for name, n in summary.by_source.items():
        table.add_row(f"source {name}", str(n))
    for name, n in summary.by_type.items():
        table.add_row(f"type {name}", str(n))
    table.add_row("VR-relevant", str(summary.relevant))
    for name, n in summary.by_tech.items():
        table.add_row(f"technology {name}", str(n))
    table.add_row("in the search index", str(summary.indexed))
    console.print(table)


@app.command()
def demo(
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the dashboard after the summary.")
    ] = True,
    port: Annotated[
        int | None, typer.Option(help="Port for the dashboard (default VRSCOPE_API_PORT).")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Offline end to end: mirror recorded responses, crawl, classify, index, summarize, serve."""
    from crawlers.mirror import Mirror
    from vrscope.pipeline import crawl_subprocess

    settings = _settings(data_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with Mirror() as mirror, console.status(f"crawling the local mirror at {mirror.url}"):
        env = mirror.settings_overrides() | {"VRSCOPE_CRAWL_DELAY": "0", "VRSCOPE_CRAWL_LOG_LEVEL": "WARNING"}
        crawl_subprocess(settings, list(SOURCES), env)
    classify(all_documents=False, data_dir=settings.data_dir)
    index(rebuild=True, data_dir=settings.data_dir)
    print_summary(settings)
    if serve_after:
        serve(host=None, port=port, data_dir=settings.data_dir)


def main() -> None:
    """Entry point for ``python -m vrscope``."""
    app()
