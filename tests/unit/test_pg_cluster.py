"""Without PostgreSQL installed, the server tests fail with the reason (never a silent skip)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import pg_cluster


def test_a_machine_without_postgresql_is_told_what_to_install(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(pg_cluster.shutil, "which", lambda _name: None)
    monkeypatch.setattr(pg_cluster.glob, "glob", lambda _pattern: [])
    with pytest.raises(pg_cluster.ClusterUnavailable) as refused:
        pg_cluster.start_cluster(tmp_path / "cluster")
    assert "postgresql" in str(refused.value) and "not postgres" in str(refused.value)
    assert not (tmp_path / "cluster").exists()
