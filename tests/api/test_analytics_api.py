"""The view endpoints: parameters checked, JSON shapes, and CSV / JSONL / XLSX exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from fastapi.testclient import TestClient

from vrscope.records import Party, Patent
from vrscope.store import Store


@pytest.mark.parametrize("path", ["/api/v1/trends", "/api/v1/matrix", "/api/v1/players", "/api/v1/search"])
def test_unknown_parameter_is_400(client: TestClient, path: str) -> None:
    """A misspelt parameter is named in a 400, never silently ignored."""
    response = client.get(path, params={"tehc": "near_eye_display"})
    assert response.status_code == 400
    assert "'tehc'" in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "params", "name"),
    [
        ("/api/v1/trends", {"dimension": "colour"}, "dimension"),
        ("/api/v1/trends", {"cagr_from": "2022", "cagr_to": "2020"}, "cagr_from"),
        ("/api/v1/trends", {"limit": "0"}, "limit"),
        ("/api/v1/matrix", {"year_from": "2023", "year_to": "2020"}, "year_from"),
        ("/api/v1/players", {"scope": "moon"}, "scope"),
        ("/api/v1/players", {"format": "pdf"}, "format"),
        ("/api/v1/search", {"format": "pdf"}, "format"),
    ],
)
def test_bad_values_are_4xx_with_a_message(
    client: TestClient, path: str, params: dict[str, str], name: str
) -> None:
    """Bad values get a 4xx naming what is wrong."""
    response = client.get(path, params=params)
    assert 400 <= response.status_code < 500
    assert name in response.json()["message"]


def test_trends_json(client: TestClient) -> None:
    """Per-year counts per technology with growth figures."""
    body = client.get("/api/v1/trends", params={"dimension": "tech"}).json()
    assert body["years"] == [2019, 2020, 2021]
    series = {s["value"]: s for s in body["series"]}
    assert series["near_eye_display"]["counts"] == [1, 0, 1]
    assert series["rendering_computation"]["counts"] == [0, 1, 0]
    assert series["near_eye_display"]["cagr"] == pytest.approx(0.0)


def test_matrix_json(client: TestClient) -> None:
    """Twelve cells: three forms by four technologies."""
    body = client.get("/api/v1/matrix").json()
    assert body["forms"] == ["vr", "ar", "mr"]
    assert len(body["cells"]) == 12


def test_players_world_and_city(client: TestClient, store: Store) -> None:
    """The applicants facet worldwide; Qingdao applicants from the store with their district."""
    world = client.get("/api/v1/players").json()
    assert [p["name"] for p in world["players"]] == ["GOERTEK"]
    store.upsert(Patent(id="CN118000001A", source="epo_ops", jurisdiction="CN", titles={"zh": "光学模组"},
                        applicants=[Party(name="青岛歌尔声学科技有限公司", address="山东省青岛市崂山区")],
                        priority_date=dt.date(2022, 5, 1)))
    city = client.get("/api/v1/players", params={"scope": "city"}).json()
    assert city["scope"] == "city"
    assert [(p["count"], p["district"]) for p in city["players"]] == [(1, "崂山区")]
    assert city["districts"] == [{"value": "崂山区", "count": 1}]


def test_csv_export_has_bom_and_parses(client: TestClient) -> None:
    """CSV starts with a UTF-8 BOM (Excel then reads Chinese) and parses back."""
    response = client.get("/api/v1/search", params={"format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert "虚拟现实头戴式显示设备通用规范" in {row["title"] for row in rows}
    trends = client.get("/api/v1/trends", params={"format": "csv"})
    header = next(csv.reader(io.StringIO(trends.content.decode("utf-8-sig"))))
    assert header == ["value", "total", "share", "cagr", "slope", "2019", "2020", "2021"]


def test_jsonl_export_lines_parse(client: TestClient) -> None:
    """Every line is one JSON object."""
    response = client.get("/api/v1/matrix", params={"format": "jsonl"})
    assert response.status_code == 200
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert len(lines) == 12 and {"form", "tech", "count", "growth"} <= set(lines[0])


def test_xlsx_export_opens(client: TestClient) -> None:
    """The workbook opens with openpyxl and holds a header and one row per applicant."""
    from openpyxl import load_workbook

    response = client.get("/api/v1/players", params={"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("rank", "name", "count", "district")
    assert rows[1][:3] == (1, "GOERTEK", 1)


def test_export_neutralises_formulas() -> None:
    """Cells that a spreadsheet would run as formulas are prefixed with a quote."""
    from api.export import to_csv

    text = to_csv([{"title": "=HYPERLINK(\"x\")", "n": -1}], ["title", "n"]).decode("utf-8-sig")
    assert text.splitlines()[1] == "\"'=HYPERLINK(\"\"x\"\")\",-1"
