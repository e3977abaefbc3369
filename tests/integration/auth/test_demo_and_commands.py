"""Demo accounts and clients, and the admin commands."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from auth import tables
from auth.demo import demo_members, seed_demo_clients
from auth.members import seed_demo_accounts
from gateway.cli import main

pytestmark = pytest.mark.integration


def test_demo_members_need_two_patients() -> None:
    with pytest.raises(ValueError, match="two"):
        demo_members(["only-one"])


def test_demo_members_include_a_representative_of_both() -> None:
    members = demo_members(["p1", "p2"])
    rep = next(m for m in members if m.role == "representative")
    assert tuple(rep.patient_ids) == ("p1", "p2")
    assert {m.role for m in members} == {"member", "representative", "auditor"}


def test_seed_demo_clients_registers_three_clients(app: Flask, tmp_path: Path) -> None:
    engine = app.extensions["gateway"].engine
    secrets = seed_demo_clients(engine, tmp_path)
    with engine.connect() as conn:
        rows = conn.execute(select(tables.client.c.client_id, tables.client.c.auth_method))
        methods = dict(rows.all())
    assert methods == {
        "demo-public-app": "none",
        "demo-confidential-app": "client_secret_basic",
        "demo-backend": "private_key_jwt",
    }
    assert secrets["demo-confidential-app"]
    assert "d" in json.loads((tmp_path / "demo-backend-key.json").read_text())


def test_seed_demo_accounts_is_idempotent(app: Flask) -> None:
    engine = app.extensions["gateway"].engine
    members = demo_members(["p1", "p2"])[:1]
    seed_demo_accounts(engine, members)
    seed_demo_accounts(engine, members)
    with engine.connect() as conn:
        assert len(conn.execute(select(tables.login)).all()) == 1


def test_clients_add_command(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GATEWAY_DATABASE_URL", database_url)
    code = main(
        ["clients", "add", "cli-app", "--type", "confidential", "--redirect-uri", "https://a/cb"]
    )
    assert code == 0
    assert "client secret (shown once)" in capsys.readouterr().out


def test_clients_add_refuses_a_backend_client_without_keys(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GATEWAY_DATABASE_URL", database_url)
    assert main(["clients", "add", "cli-backend", "--type", "backend"]) == 2
    assert "JWKS" in capsys.readouterr().err


def test_members_add_login_reads_the_password_from_stdin(
    app: Flask, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GATEWAY_DATABASE_URL", database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    assert main(["members", "add-login", "cli-user", "--patient", "p1", "--password-stdin"]) == 0
    with app.extensions["gateway"].engine.connect() as conn:
        row = conn.execute(select(tables.login).where(tables.login.c.username == "cli-user")).one()
    assert row.password_hash.startswith("$argon2")
    assert "a long password" not in row.password_hash
