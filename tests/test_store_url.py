"""How the store's URL is chosen: the same for a test run, ``orbit db``, ``orbit report`` and
``orbit schedule`` (each of those is tested end to end in its own file)."""

from __future__ import annotations

from pathlib import Path

from pytest_testorbit.store.url import DEFAULT_DATABASE, choose, default_url, resolve


def test_an_explicit_url_wins_over_the_environment_and_orbit_yaml(tmp_path: Path) -> None:
    chosen = choose(
        "sqlite:///given.db",
        database="sqlite:///project.db",
        root=tmp_path / "project",
        cwd=tmp_path,
        environ={"ORBIT_DB_URL": "sqlite:///env.db"},
    )
    assert chosen.url == f"sqlite:///{tmp_path / 'given.db'}"
    assert not chosen.auto_upgrade


def test_the_environment_wins_over_orbit_yaml_and_resolves_against_the_current_folder(
    tmp_path: Path,
) -> None:
    chosen = choose(
        None,
        database="sqlite:///project.db",
        root=tmp_path / "project",
        cwd=tmp_path,
        environ={"ORBIT_DB_URL": "sqlite:///env.db"},
    )
    assert chosen.url == f"sqlite:///{tmp_path / 'env.db'}"


def test_orbit_yaml_database_resolves_against_the_project_folder(tmp_path: Path) -> None:
    chosen = choose(
        None, database="sqlite:///project.db", root=tmp_path, cwd=tmp_path / "sub", environ={}
    )
    assert chosen.url == f"sqlite:///{tmp_path / 'project.db'}"
    assert not chosen.auto_upgrade


def test_without_any_choice_the_projects_default_file_is_used_and_may_upgrade_itself(
    tmp_path: Path,
) -> None:
    chosen = choose(None, database=None, root=tmp_path, cwd=tmp_path / "sub", environ={})
    assert chosen.url == default_url(tmp_path) == f"sqlite:///{tmp_path / '.orbit/results.db'}"
    assert chosen.auto_upgrade
    assert DEFAULT_DATABASE == "sqlite:///.orbit/results.db"


def test_the_default_file_named_explicitly_may_upgrade_itself_too(tmp_path: Path) -> None:
    chosen = choose(DEFAULT_DATABASE, database=None, root=tmp_path, cwd=tmp_path, environ={})
    assert chosen.auto_upgrade


def test_absolute_memory_and_server_urls_are_left_as_they_are(tmp_path: Path) -> None:
    for url in ("sqlite:////var/orbit.db", "sqlite:///:memory:", "postgresql://u@h/db"):
        assert resolve(url, tmp_path) == url
