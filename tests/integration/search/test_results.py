"""Result parameters and paging: _count, _sort, links, _include/_revinclude, _summary, _total."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.conftest import BASE_URL
from tests.integration.search.conftest import Search, ids
from tests.integration.search.dataset import PAGED

pytestmark = pytest.mark.integration


def _link(bundle: dict[str, Any], relation: str) -> str | None:
    return next((link["url"] for link in bundle["link"] if link["relation"] == relation), None)


def _follow(run: Search, url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    assert url.startswith(BASE_URL + "/Person")
    return run("Person", *parse_qsl(parts.query))


def _pages(run: Search, *params: tuple[str, str]) -> list[list[str]]:
    bundle = run("Person", ("name", "pager"), *params)
    pages = [[e["resource"]["id"] for e in bundle.get("entry", [])]]
    while (url := _link(bundle, "next")) is not None:
        bundle = _follow(run, url)
        pages.append([e["resource"]["id"] for e in bundle.get("entry", [])])
    return pages


def _birth(pid: str) -> str:
    found = next(p for p in PAGED if p["id"] == pid)
    return str(found.get("birthDate", "~"))  # missing sorts last


def test_next_links_visit_every_match_once_in_pages_of_count(run: Search) -> None:
    pages = _pages(run, ("_count", "7"))
    flat = [pid for page in pages for pid in page]
    assert [len(p) for p in pages] == [7, 7, 7, 4]
    assert sorted(flat) == sorted(p["id"] for p in PAGED)


def test_sort_by_date_then_id_is_stable_across_pages(run: Search) -> None:
    flat = [
        pid for page in _pages(run, ("_count", "4"), ("_sort", "birthdate,-_id")) for pid in page
    ]
    expected = sorted(sorted((p["id"] for p in PAGED), reverse=True), key=_birth)
    assert flat == expected


def test_sort_descending_puts_missing_values_last(run: Search) -> None:
    flat = [pid for page in _pages(run, ("_count", "10"), ("_sort", "-birthdate")) for pid in page]
    births = [_birth(pid) for pid in flat]
    present = [b for b in births if b != "~"]
    assert present == sorted(present, reverse=True)
    assert births[len(present) :] == ["~"] * (len(births) - len(present))


def test_previous_link_returns_the_page_before(run: Search) -> None:
    first = run("Person", ("name", "pager"), ("_count", "5"), ("_sort", "name"))
    second = _follow(run, str(_link(first, "next")))
    back = _follow(run, str(_link(second, "previous")))
    assert [e["resource"]["id"] for e in back["entry"]] == [
        e["resource"]["id"] for e in first["entry"]
    ]
    assert _link(first, "previous") is None


def test_page_links_are_absolute_and_hide_search_values(run: Search) -> None:
    bundle = run("Patient", ("identifier", "MRN-1"), ("_count", "1"), ("_sort", "_id"))
    first = str(_link(bundle, "first"))
    assert first.startswith(BASE_URL + "/Patient?_page=")
    assert "MRN-1" not in first


def test_count_is_capped_by_the_maximum(run: Search) -> None:
    bundle = run("Person", ("_count", "100000"))
    assert len(bundle["entry"]) == 25  # capped at SEARCH_MAX_COUNT (200), not refused


def test_count_zero_returns_no_entries(run: Search) -> None:
    assert "entry" not in run("Person", ("_count", "0"))


def test_summary_count_gives_only_the_total(run: Search) -> None:
    bundle = run("Person", ("name", "pager"), ("_summary", "count"))
    assert bundle["total"] == 25
    assert "entry" not in bundle


def test_total_accurate_counts_all_pages(run: Search) -> None:
    bundle = run("Person", ("name", "pager"), ("_count", "3"), ("_total", "accurate"))
    assert bundle["total"] == 25
    assert "total" not in run("Person", ("name", "pager"), ("_count", "3"))


def test_elements_keeps_listed_elements_and_marks_subsetted(run: Search) -> None:
    resource = run("Patient", ("_id", "pat-ann"), ("_elements", "gender"))["entry"][0]["resource"]
    assert set(resource) == {"resourceType", "id", "meta", "gender"}
    assert resource["meta"]["tag"][-1]["code"] == "SUBSETTED"


def test_summary_true_drops_non_summary_elements(run: Search) -> None:
    resource = run("Observation", ("_id", "obs-1"), ("_summary", "true"))["entry"][0]["resource"]
    assert "code" in resource
    assert "valueQuantity" in resource
    assert "category" not in resource


def test_include_brings_exactly_the_referenced_resources(run: Search) -> None:
    bundle = run(
        "ExplanationOfBenefit", ("_id", "eob-1"), ("_include", "ExplanationOfBenefit:insurer")
    )
    assert ids(bundle) == {"eob-1"}
    assert ids(bundle, "include") == {"org-1"}


def test_include_wildcard_brings_every_reference(run: Search) -> None:
    bundle = run("ExplanationOfBenefit", ("_id", "eob-1"), ("_include", "ExplanationOfBenefit:*"))
    assert ids(bundle, "include") == {"pat-ann", "org-1", "prac-1", "cov-1"}


def test_include_target_type_limits_the_included_type(run: Search) -> None:
    bundle = run(
        "ExplanationOfBenefit",
        ("_id", "eob-1,eob-2"),
        ("_include", "ExplanationOfBenefit:provider:Organization"),
    )
    assert ids(bundle, "include") == {"org-2"}


def test_revinclude_brings_resources_that_refer_to_matches(run: Search) -> None:
    bundle = run("Observation", ("_id", "obs-1,obs-2"), ("_revinclude", "Provenance:target"))
    assert ids(bundle, "include") == {"prov-1"}


def test_include_iterate_follows_included_resources(run: Search) -> None:
    bundle = run(
        "PractitionerRole",
        ("_id", "role-1"),
        ("_include", "PractitionerRole:location"),
        ("_include:iterate", "Location:organization"),
    )
    assert ids(bundle, "include") == {"loc-1", "org-1"}


def test_include_past_the_limit_adds_an_outcome_warning(run: Search) -> None:
    bundle = run(
        "Practitioner", ("_count", "100"), ("_revinclude", "PractitionerRole:practitioner")
    )
    assert ids(bundle, "include") == {"role-1", "role-2"}
    many = run(
        "Organization",
        ("_count", "100"),
        ("_revinclude", "ExplanationOfBenefit:insurer"),
        ("_revinclude", "Location:organization"),
        ("_revinclude", "Coverage:payor"),
        ("_revinclude", "Provenance:agent"),
    )
    assert len(ids(many, "include")) == 6
    assert [e for e in many["entry"] if e["search"]["mode"] == "outcome"] == []
    capped = run(
        "Organization",
        ("_count", "100"),
        ("_revinclude", "ExplanationOfBenefit:insurer"),
        max_includes=2,
    )
    outcome = [e for e in capped["entry"] if e["search"]["mode"] == "outcome"]
    assert len(ids(capped, "include")) == 2
    assert outcome[0]["resource"]["issue"][0]["severity"] == "warning"


def test_system_search_by_type_returns_each_type(run: Search) -> None:
    bundle = run(None, ("_type", "Organization,Location"), ("_id", "org-1,loc-2"))
    assert ids(bundle) == {"org-1", "loc-2"}
    assert _link(bundle, "self") == f"{BASE_URL}?_type=Organization%2CLocation&_id=org-1%2Cloc-2"


def test_unknown_parameter_is_ignored_and_left_out_of_self_link(run: Search) -> None:
    bundle = run("Patient", ("gender", "male"), ("colour", "blue"))
    assert ids(bundle) == {"pat-bob"}
    assert _link(bundle, "self") == f"{BASE_URL}/Patient?gender=male"


def test_fullurl_is_absolute(run: Search) -> None:
    entry = run("Patient", ("_id", "pat-ann"))["entry"][0]
    assert entry["fullUrl"] == f"{BASE_URL}/Patient/pat-ann"
