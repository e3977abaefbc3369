"""The offline FHIR validator as a fixture (shared/tools/fhir-validate; README's recipe)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED

VALIDATE = SHARED / "tools" / "fhir-validate" / "validate"
Validator = Callable[..., dict[str, Any]]


@pytest.fixture(scope="session")
def fhir_validate() -> Validator:
    """Validate resources (dicts) in one call; returns the validator's JSON report."""
    if shutil.which("node") is None or not VALIDATE.exists():
        pytest.skip("FHIR validation needs node (>= 20.19) and shared/tools/fhir-validate")
    setup = subprocess.run([str(VALIDATE), "--setup"], capture_output=True, text=True, timeout=600)
    if setup.returncode != 0:
        pytest.skip("fhir-validate setup failed")

    def run(*resources: dict[str, Any]) -> dict[str, Any]:
        with tempfile.NamedTemporaryFile("w", suffix=".ndjson", delete=False) as handle:
            handle.write("\n".join(json.dumps(r) for r in resources) + "\n")
        output = Path(handle.name).with_suffix(".json")
        try:
            # stdout to a file: node may cut a large report short when writing to a pipe
            with output.open("w") as sink:
                done = subprocess.run(
                    [str(VALIDATE), "--json", handle.name],
                    stdout=sink,
                    stderr=subprocess.PIPE,
                    text=True,
                    timeout=600,
                )
            assert done.returncode in (0, 1), done.stderr
            report: dict[str, Any] = json.loads(output.read_text())
        finally:
            Path(handle.name).unlink()
            output.unlink(missing_ok=True)
        return report

    return run


def validation_errors(report: dict[str, Any]) -> list[str]:
    """Every error-level issue as one readable line."""
    return [
        f"{r['label']} {r.get('resourceType')}/{r.get('id')} {i['path']}: {i['message']}"
        for r in report["results"]
        for i in r["issues"]
        if i["severity"] == "error"
    ]
