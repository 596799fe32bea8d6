"""Shared test settings: the hypothesis profile.

On CI (CI=true) property tests run derandomized, with the example database off, so a run
is repeatable and leaves nothing behind; elsewhere hypothesis's defaults apply (random
examples, failures remembered in .hypothesis/ and tried first next time).
"""

from __future__ import annotations

import os

import pytest

from hypothesis import settings

# Both from hypothesis's own defaults, not from whatever profile hypothesis picked itself
# (it loads a built-in "ci" profile of its own when it notices a CI environment).
# No deadline on CI either: a shared runner's timing is not a test result.
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True, database=None,
                          deadline=None)
settings.register_profile("dev", parent=settings.get_profile("default"))


def hypothesis_profile(environ=os.environ) -> str:
    return "ci" if environ.get("CI", "").strip().lower() == "true" else "dev"


settings.load_profile(hypothesis_profile())


@pytest.fixture(autouse=True)
def _own_config_folder(tmp_path_factory, monkeypatch):
    """Each test's app reads and writes its preferences (the theme) in a folder of its own,
    never the user config folder of whoever runs the tests."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
