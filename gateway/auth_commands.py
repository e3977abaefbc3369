"""Admin sub-commands of the authorization server: ``gateway clients``, ``gateway members``.

Passwords are read from standard input or a prompt, never from the command line.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from auth.clients import CLIENT_TYPES, register_client
from auth.members import ROLES, DemoMember, add_login
from auth.records import new_launch
from config import load_settings
from gateway.store.engine import make_engine


def register(subparsers: Any) -> None:
    """Add ``clients add``, ``clients launch`` and ``members add-login``."""
    clients = subparsers.add_parser("clients", help="register SMART clients")
    csub = clients.add_subparsers(dest="clients_command", required=True)
    add = csub.add_parser("add", help="register (or replace) a client")
    add.add_argument("client_id")
    add.add_argument("--type", choices=CLIENT_TYPES, required=True)
    add.add_argument("--name")
    add.add_argument("--redirect-uri", action="append", default=[])
    add.add_argument("--jwks-file", type=Path, help="JWKS with the client's public keys")
    add.add_argument("--jwks-uri")
    add.add_argument("--scope", help="the most this client may be granted")
    add.set_defaults(func=_add_client)
    launch = csub.add_parser("launch", help="an EHR launch value bound to a patient")
    launch.add_argument("--patient", required=True)
    launch.set_defaults(func=_launch)
    members = subparsers.add_parser("members", help="member logins for the SMART pages")
    msub = members.add_subparsers(dest="members_command", required=True)
    login = msub.add_parser("add-login", help="create or replace a login")
    login.add_argument("username")
    login.add_argument("--patient", action="append", default=[], help="a patient id it may see")
    login.add_argument("--role", choices=ROLES, default="member")
    login.add_argument("--fhir-user", help="e.g. RelatedPerson/<id> for a representative")
    login.add_argument("--password-stdin", action="store_true")
    login.set_defaults(func=_add_login)


def _engine() -> Any:
    return make_engine(load_settings()["DATABASE_URL"])


def _add_client(args: argparse.Namespace) -> int:
    jwks = json.loads(args.jwks_file.read_text()) if args.jwks_file else None
    engine = _engine()
    try:
        with engine.begin() as conn:
            secret = register_client(
                conn,
                args.client_id,
                args.type,
                name=args.name,
                redirect_uris=tuple(args.redirect_uri),
                jwks=jwks,
                jwks_uri=args.jwks_uri,
                scope=args.scope,
            )
    except ValueError as error:
        print(f"gateway clients add: {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"client {args.client_id} registered")
    if secret:
        print(f"client secret (shown once): {secret}")
    return 0


def _launch(args: argparse.Namespace) -> int:
    engine = _engine()
    with engine.begin() as conn:
        value = new_launch(conn, args.patient)
    engine.dispose()
    print(value)
    return 0


def _add_login(args: argparse.Namespace) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("password: ")
    if len(password) < 8:
        print("the password must have at least 8 characters", file=sys.stderr)
        return 2
    member = DemoMember(args.username, password, tuple(args.patient), args.role, args.fhir_user)
    engine = _engine()
    with engine.begin() as conn:
        add_login(conn, member)
    engine.dispose()
    print(f"login {args.username} saved")
    return 0
