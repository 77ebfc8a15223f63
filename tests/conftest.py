"""Shared fixtures: a config in a temporary folder, and the demo workbooks (made once, copied).

Under ``CI=true`` a skip is a failure: a test that skips because LibreOffice or
``../shared/fixtures`` is missing would let CI pass without proving that path, so CI must have
them (``.ci/run`` installs LibreOffice; CI lays ``shared/`` beside the clone).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
import yaml

from workflows.config import Config, load_config

pytest_plugins = ("pytester",)

ROOT = Path(__file__).resolve().parent.parent
DEMO_DATE = "2026-11-30"  # a Monday: the demo's week 2026-W48 (cut-off Sunday 2026-11-29)


def write_config(folder: Path, **overrides: object) -> Path:
    """The repository's config.yaml with top-level keys replaced, written into ``folder``."""
    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    data.update(overrides)
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return write_config(tmp_path)


@pytest.fixture
def config(config_path: Path) -> Config:
    return load_config(config_path)


@pytest.fixture(scope="session")
def _demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from workflows.demo import write_demo

    folder = tmp_path_factory.mktemp("demo_master")
    write_demo(
        load_config(write_config(folder)), force=True, today=dt.date.fromisoformat(DEMO_DATE)
    )
    return folder


@pytest.fixture
def demo_config(_demo_master: Path, tmp_path: Path) -> Config:
    """A fresh copy of the demo workbooks and config in this test's tmp_path."""
    shutil.copytree(_demo_master, tmp_path, dirs_exist_ok=True)
    return load_config(tmp_path / "config.yaml")


# -- CI proves every path --------------------------------------------------------------------------


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1"}


def _fail_a_skip(report: pytest.TestReport | pytest.CollectReport) -> None:
    """Turn a skip into a failure that keeps the skip's reason (``xfail`` stays as it is)."""
    if _in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = (
            f"CI=true: skipping is not allowed in CI, install what is missing: {reason}"
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    _fail_a_skip(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    report = yield  # a module that skips itself (pytest.skip(..., allow_module_level=True))
    _fail_a_skip(report)
    return report
