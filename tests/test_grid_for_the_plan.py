"""`labelaudit grid --audit`: the blank grid of the sites the audit visits on site.

After `sample --write`, the auditor asks for the grid of the visited sites; the audit already
names that grid (its `[sources.onsite] files`) although it is not written yet. Before, `grid
--audit` refused such an audit (the grid it was asked to write was "not found") and, given one
whose grid existed, wrote a sheet for every site of the network.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import tomli_w

from clirun import run
from labelaudit.testing import audit_document

SITES = [f"p{i:02d}" for i in range(1, 13)]


def audit(folder: Path, sampling: dict[str, object] | None = None) -> Path:
    document = audit_document("en16880", {"onsite": ["grid.toml"]}, SITES)
    if sampling is not None:
        document["sampling"] = sampling
    folder.mkdir()
    (folder / "audit.toml").write_text(tomli_w.dumps(document), encoding="utf-8")
    return folder


def sites_of(grid: Path) -> list[str]:
    return [s["site"] for s in tomllib.loads(grid.read_text("utf-8"))["sites"]]


def test_the_grid_of_a_sampled_audit_has_the_visited_sites_only(tmp_path: Path) -> None:
    folder = audit(tmp_path / "net")
    assert run("sample", folder, "--write").code == 0
    visited = tomllib.loads((folder / "audit.toml").read_text("utf-8"))["sampling"]["visited"]
    result = run("grid", "--audit", folder, "-o", folder / "grid.toml")
    assert result.code == 0, result
    assert sites_of(folder / "grid.toml") == visited and len(visited) == 4  # ⌈√12⌉, in the audit's order
    assert run("check", folder).code == 2  # the grid is blank: a visited site without results


def test_without_a_plan_the_grid_has_every_site(tmp_path: Path) -> None:
    folder = audit(tmp_path / "net")
    assert run("grid", "--audit", folder, "-o", folder / "grid.toml").code == 0
    assert sites_of(folder / "grid.toml") == SITES


def test_an_audit_with_a_wrong_plan_is_still_refused(tmp_path: Path) -> None:
    folder = audit(tmp_path / "net", {"stage": "initial", "visited": ["p01", "p99"]})
    result = run("grid", "--audit", folder, "-o", folder / "grid.toml")
    assert result.code == 2 and "sampling.visited[1]" in result.err and "p99" in result.err
    assert not (folder / "grid.toml").exists()
