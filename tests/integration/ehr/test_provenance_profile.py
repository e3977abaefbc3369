"""Our Provenance conforms to US Core Provenance and PDex provenance (offline validator)."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gateway.ingest.ehr.provenance import (
    PROFILES,
    SourceInfo,
    build_provenance,
    source_organization,
)
from tests.conftest import SHARED

pytestmark = pytest.mark.integration
VALIDATE = SHARED / "tools" / "fhir-validate" / "validate"


@pytest.mark.skipif(shutil.which("node") is None, reason="the validator needs node")
def test_built_provenance_and_sender_organization_validate(tmp_path: Path) -> None:
    source = SourceInfo("hospital-a", "Hospital A")
    provenance = build_provenance(
        source, "Patient/p1", ["Condition/c1", "Encounter/e1"], datetime(2026, 1, 2, tzinfo=UTC)
    )
    assert provenance["meta"]["profile"] == PROFILES
    sample = tmp_path / "sample.ndjson"
    sample.write_text(
        "\n".join(json.dumps(r) for r in (provenance, source_organization(source))) + "\n"
    )
    result = subprocess.run(
        [str(VALIDATE), str(sample)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert "0 errors" in result.stdout
