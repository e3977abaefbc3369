"""The demo plan orchestrator: deterministic files, members when the generator exists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gateway.ingest.demo import plan
from gateway.ingest.nppes import convert
from tests.unit.directory.network_data import NETWORK_FILES


def _contents(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


@pytest.mark.unit
def test_generate_plan_is_deterministic(tmp_path: Path) -> None:
    first = plan.generate_plan(tmp_path / "a", members=5, seed=3)
    plan.generate_plan(tmp_path / "b", members=5, seed=3)
    assert _contents(tmp_path / "a") == _contents(tmp_path / "b")
    assert {f"{name}" for name in NETWORK_FILES} <= set(first.rows)
    manifest = json.loads((tmp_path / "a" / plan.MANIFEST).read_text())
    assert (manifest["members"], manifest["seed"]) == (5, 3)


@pytest.mark.unit
def test_generate_plan_without_member_generator_writes_network_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan, "MEMBERS_MODULE", "gateway.ingest.demo.no_such_module")
    summary = plan.generate_plan(tmp_path, members=5, seed=3)
    assert set(summary.rows) == set(NETWORK_FILES)
    assert summary.notes == ["member generator not available yet: network feeds only"]


@pytest.mark.unit
def test_nppes_conversion_skips_deactivated_npis_and_is_deterministic(tmp_path: Path) -> None:
    counts = convert(plan.NPPES_SAMPLE, tmp_path / "a")
    convert(plan.NPPES_SAMPLE, tmp_path / "b")
    assert counts["practitioners"] == 2000 - 30
    assert _contents(tmp_path / "a") == _contents(tmp_path / "b")
