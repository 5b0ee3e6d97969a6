"""The applicant page on any engine: per year, per label, co-applicants, newest; the view's filters apply."""

from __future__ import annotations

import pytest

from search.analytics import Filters
from search.applicant import applicant_detail
from search.backend import IndexDoc
from tests.api.fakes import FakeBackend


@pytest.fixture
def engine() -> FakeBackend:
    rows = [("CN1A", 2019, ["near_eye_display"], ["GOERTEK"]),
            ("CN2A", 2021, ["near_eye_display"], ["GOERTEK", "PEKING UNIVERSITY"]),
            ("CN3A", 2021, ["tracking_interaction"], ["GOERTEK", "PEKING UNIVERSITY", "QINGDAO UNI"]),
            ("US4A", 2022, ["near_eye_display"], ["META"])]
    return FakeBackend([IndexDoc(id=i, doc_type="patent", title=i, year=y, date=f"{y}-01-01",
                                 jurisdiction=i[:2], techs=t, applicants=a, source="t")
                        for i, y, t, a in rows])


def test_detail_counts_years_labels_and_co_applicants(engine: FakeBackend) -> None:
    detail = applicant_detail(engine, " GOERTEK ", Filters())
    assert detail.name == "GOERTEK" and detail.total == 3
    assert detail.years == [2019, 2020, 2021] and detail.counts == [1, 0, 2]
    co = [(b.value, b.count) for b in detail.co_applicants]
    assert co == [("PEKING UNIVERSITY", 2), ("QINGDAO UNI", 1)]
    assert [(b.value, b.count) for b in detail.jurisdictions] == [("CN", 3)]
    assert [h.id for h in detail.newest] in (["CN2A", "CN3A", "CN1A"], ["CN3A", "CN2A", "CN1A"])


def test_detail_keeps_the_view_filters_and_year_span(engine: FakeBackend) -> None:
    detail = applicant_detail(engine, "GOERTEK", Filters(techs=["near_eye_display"], year_from=2018,
                                                          applicants=["META"]))
    assert detail.total == 2  # the applicant replaces any applicant filter
    assert detail.years[0] == 2018 and detail.years[-1] == 2021
    assert applicant_detail(engine, "NOBODY", Filters()).total == 0
    assert applicant_detail(engine, "NOBODY", Filters()).years == []
    first = applicant_detail(engine, "GOERTEK", Filters(), size=1)
    assert [b.value for b in first.co_applicants] == ["PEKING UNIVERSITY"]
    with pytest.raises(ValueError, match="applicant name"):
        applicant_detail(engine, "  ", Filters())
