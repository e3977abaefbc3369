"""Session-scoped demo network for the directory tests (generating it takes under a second)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.ingest.demo.pool import ProviderPool
from tests.unit.directory import network_data


@pytest.fixture(scope="session")
def network_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding the demo network feed files."""
    return tmp_path_factory.mktemp("demo-network")


@pytest.fixture(scope="session")
def pool(network_dir: Path) -> ProviderPool:
    """The provider pool returned while writing the network feeds."""
    return network_data.generate(network_dir)
