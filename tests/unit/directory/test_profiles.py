"""Every directory record kind validates with zero errors against every profile it claims."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from gateway.ingest.demo.pool import ProviderPool
from tests.conftest import SHARED
from tests.unit.directory import network_data
from tests.unit.directory.test_golden import mapped_samples

VALIDATOR = SHARED / "tools" / "fhir-validate" / "validate"


@pytest.mark.unit
def test_sample_of_every_record_kind_validates_against_claimed_profiles(
    tmp_path: Path, network_dir: Path, pool: ProviderPool
) -> None:
    if shutil.which("node") is None:
        pytest.skip("node is not installed: the validator cannot run")
    resources = [network_data.stamped(r) for r in mapped_samples().values()]
    for name in network_data.NETWORK_FILES:
        resources += [network_data.stamped(r) for r in network_data.mapped(network_dir, name, 3)]
    path = tmp_path / "directory.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in resources))
    result = subprocess.run(
        [str(VALIDATOR), "--json", str(path)], capture_output=True, text=True, timeout=300
    )
    report = json.loads(result.stdout)
    errors = [
        (r.get("label"), i.get("message"))
        for r in report.get("results", [])
        for i in r.get("issues", [])
        if i.get("severity") in ("error", "fatal")
    ]
    assert result.returncode == 0, errors[:10]
    assert report["summary"]["errors"] == 0
    assert report["summary"]["resources"] == len(resources)
