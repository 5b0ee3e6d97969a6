"""Top applicants located in Qingdao (青岛), per district, computed from the store of record with pandas.

Method: the search index keeps applicant names only, so the city view reads patents from the store.
An applicant is in Qingdao when its address or its name contains 青岛 or "Qingdao" (any case), or the
Chinese name of one of the city's districts (each exists only in Qingdao; pinyin alone is not enough).
Its district is the first district named in the address, then in the name; 黄岛区 counts as
西海岸新区 (merged in 2014). A patent counts once per Qingdao applicant, and filters (technology,
sub-topic, form from the effective labels; jurisdiction; years) apply as in the index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pandas as pd

from search.analytics import Filters, Player, PlayersResult
from search.backend import FacetValue
from vrscope.applicants import normalize_applicant
from vrscope.records import Party, Patent
from vrscope.store import Store

CITY_NAMES = ("青岛", "qingdao", "tsingtao")
# district → the spellings that name it (Chinese, with and without the suffix where unambiguous, pinyin)
DISTRICTS: dict[str, tuple[str, ...]] = {
    "崂山区": ("崂山区", "laoshan"),
    "西海岸新区": ("西海岸新区", "黄岛区", "黄岛", "huangdao", "west coast new area"),
    "市南区": ("市南区", "shinan"),
    "市北区": ("市北区", "shibei"),
    "李沧区": ("李沧区", "licang"),
    "城阳区": ("城阳区", "chengyang"),
    "即墨区": ("即墨区", "即墨", "jimo"),
    "胶州市": ("胶州市", "胶州", "jiaozhou"),
    "平度市": ("平度市", "平度", "pingdu"),
    "莱西市": ("莱西市", "莱西", "laixi"),
}
METHOD = (
    "store of record: applicants whose address (or name) contains 青岛/Qingdao or a Qingdao district; "
    "district = first district named in the address, then in the name (黄岛区 → 西海岸新区)"
)


def district_of(text: str | None) -> str | None:
    """The Qingdao district a text (address or name) names first, or None."""
    if not text:
        return None
    folded = text.casefold()
    found = [(folded.find(s.casefold()), district) for district, spellings in DISTRICTS.items()
             for s in spellings if s.casefold() in folded]
    return min(found)[1] if found else None


def in_qingdao(party: Party) -> bool:
    """Whether an applicant is in Qingdao: the city or a Chinese district name in its address or name."""
    for text in (party.address, party.name):
        if not text:
            continue
        folded = text.casefold()
        if any(c in folded for c in CITY_NAMES):
            return True
        # Pinyin district names alone are too weak a sign; the Chinese ones exist only in Qingdao.
        if any(s in text for spellings in DISTRICTS.values() for s in spellings if not s.isascii()):
            return True
    return False


def locate(party: Party) -> tuple[bool, str | None]:
    """(in Qingdao?, district or None) for one applicant."""
    if not in_qingdao(party):
        return False, None
    return True, district_of(party.address) or district_of(party.name)


def _passes(patent: Patent, store: Store, filters: Filters) -> bool:
    """Whether a patent passes the view's filters (labels read only when a label filter is set)."""
    if filters.doc_type == "standard":
        return False
    year = patent.year
    if filters.year_from is not None and (year is None or year < filters.year_from):
        return False
    if filters.year_to is not None and (year is None or year > filters.year_to):
        return False
    if filters.jurisdiction and patent.jurisdiction not in filters.jurisdiction:
        return False
    if filters.techs or filters.subtopics or filters.forms or filters.relevant_only:
        labels = store.labels(patent.id)
        if labels is None or (filters.relevant_only and not labels.relevant):
            return False
        for wanted, have in ((filters.techs, labels.techs), (filters.subtopics, labels.subtopics),
                             (filters.forms, labels.forms)):
            if wanted and not set(wanted) & set(have):
                return False
    return True


def city_rows(patents: Iterable[Patent], store: Store, filters: Filters) -> Iterator[dict[str, object]]:
    """One row per (patent, Qingdao applicant) passing the filters."""
    for patent in patents:
        if not patent.applicants or not _passes(patent, store, filters):
            continue
        for party in patent.applicants:
            located, district = locate(party)
            if located:
                name = party.name_normalized or normalize_applicant(party.name) or party.name
                yield {"doc_id": patent.id, "name": name, "district": district}


def city_players(store: Store, filters: Filters, size: int | None = 20) -> PlayersResult:
    """Top Qingdao applicants (every one with size None) and documents per district, from the store of record.

    Ranked by documents, most first, then by name, so the order is the same on every call.
    """
    patents = (doc for doc in store.iter_documents("patent") if isinstance(doc, Patent))
    frame = pd.DataFrame(list(city_rows(patents, store, filters)), columns=["doc_id", "name", "district"])
    if frame.empty:
        return PlayersResult(scope="city", method=METHOD, players=[])
    frame = frame.drop_duplicates(["doc_id", "name"])
    # An applicant's district: the one its rows name most often (addresses may differ between filings).
    districts = (frame.dropna(subset=["district"]).groupby(["name", "district"]).size()
                 .reset_index(name="n").sort_values(["name", "n", "district"], ascending=[True, False, True])
                 .drop_duplicates("name").set_index("name")["district"])
    counts = (frame.groupby("name")["doc_id"].nunique().reset_index(name="n")
              .sort_values(["n", "name"], ascending=[False, True]))
    if size is not None:
        counts = counts.head(size)
    players = [Player(name=str(name), count=int(n), district=districts.get(name))
               for name, n in counts.itertuples(index=False, name=None)]
    per_district = (frame.dropna(subset=["district"]).groupby("district")["doc_id"].nunique()
                    .reset_index(name="n").sort_values(["n", "district"], ascending=[False, True]))
    return PlayersResult(scope="city", method=METHOD, players=players,
                         districts=[FacetValue(value=str(d), count=int(n))
                                    for d, n in per_district.itertuples(index=False, name=None)])
