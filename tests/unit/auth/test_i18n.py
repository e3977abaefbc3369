"""Page language choice and message completeness."""

from __future__ import annotations

import pytest

from auth.i18n import MESSAGES, choose_language

pytestmark = pytest.mark.unit


def test_every_message_exists_in_both_languages() -> None:
    assert set(MESSAGES["en"]) == set(MESSAGES["es"])


def test_explicit_language_wins() -> None:
    assert choose_language("es", ["en-US"]) == "es"


def test_accept_language_is_matched_by_primary_tag() -> None:
    assert choose_language(None, ["fr", "es-MX", "en"]) == "es"


def test_unknown_language_falls_back_to_english() -> None:
    assert choose_language("de", ["fr"]) == "en"
