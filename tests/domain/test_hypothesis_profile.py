"""The hypothesis profile tests/conftest.py loads: derandomized, no example database, on CI."""

from __future__ import annotations

import os

from hypothesis import settings

from tests.conftest import hypothesis_profile


def test_ci_true_chooses_the_ci_profile_and_anything_else_the_default():
    assert hypothesis_profile({"CI": "true"}) == "ci"
    assert hypothesis_profile({"CI": "TRUE"}) == "ci"
    assert hypothesis_profile({"CI": "false"}) == "dev"
    assert hypothesis_profile({}) == "dev"


def test_the_ci_profile_is_derandomized_with_no_example_database():
    ci = settings.get_profile("ci")
    assert ci.derandomize is True
    assert ci.database is None
    dev = settings.get_profile("dev")
    assert dev.derandomize is False
    assert dev.database is not None
    # Neither fails an example for taking long: the machines are shared and noisy.
    assert ci.deadline is None and dev.deadline is None


def test_the_loaded_profile_follows_the_environment():
    on_ci = os.environ.get("CI", "").strip().lower() == "true"
    assert settings.default.derandomize is on_ci
    assert (settings.default.database is None) is on_ci
