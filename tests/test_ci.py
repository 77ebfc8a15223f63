"""Under CI=true a skip fails: CI cannot pass without LibreOffice or the recorded Google answers.

Each case runs pytest on a small test file with the project's own conftest.py.
"""

from __future__ import annotations

import pytest
from conftest import ROOT

NEEDS_A_TOOL = """
import pytest

pytestmark = pytest.mark.skipif(True, reason="LibreOffice (soffice) is not installed")


def test_opens_in_libreoffice():
    pass
"""
NEEDS_FIXTURES = """
import pytest

pytest.skip("the recorded Google responses are not at ../shared/fixtures", allow_module_level=True)


def test_fake_answers_like_google():
    pass
"""
EXPECTED_FAILURE = """
import pytest


@pytest.mark.xfail(reason="a known gap, declared", strict=True)
def test_known_gap():
    assert False
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest((ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"))
    return pytester


def test_a_skipped_test_fails_under_ci(project, monkeypatch):
    project.makepyfile(test_tool=NEEDS_A_TOOL)
    monkeypatch.setenv("CI", "true")
    result = project.runpytest()
    result.assert_outcomes(errors=1)  # a skipif mark skips at set-up, so it fails as an error
    result.stdout.fnmatch_lines(["*skipping is not allowed in CI*LibreOffice (soffice) is not*"])
    assert result.ret != 0


def test_a_module_that_skips_itself_fails_under_ci(project, monkeypatch):
    project.makepyfile(test_fixtures=NEEDS_FIXTURES)
    monkeypatch.setenv("CI", "true")
    result = project.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*skipping is not allowed in CI*../shared/fixtures*"])
    assert result.ret != 0


def test_outside_ci_the_same_tests_skip_and_print_their_reason(project, monkeypatch):
    project.makepyfile(test_tool=NEEDS_A_TOOL, test_fixtures=NEEDS_FIXTURES)
    monkeypatch.delenv("CI", raising=False)
    # the project's own pytest settings print each skip's reason (-rs in addopts)
    settings = ("-c", str(ROOT / "pyproject.toml"), "--rootdir", str(project.path))
    result = project.runpytest(*settings, "test_tool.py", "test_fixtures.py")
    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines(["SKIPPED*LibreOffice (soffice) is not installed*"])
    assert result.ret == 0


def test_a_declared_expected_failure_is_not_a_skip(project, monkeypatch):
    project.makepyfile(test_gap=EXPECTED_FAILURE)
    monkeypatch.setenv("CI", "true")
    project.runpytest().assert_outcomes(xfailed=1)
