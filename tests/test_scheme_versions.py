"""A bundled scheme's version moves with its files.

A record names the scheme's id, its version and the digest of every file of its folder; a record
scored on the files before a change fails `verify` on the files after it, as it must. Had the
version stayed the same, the committee would read two different schemes under one name. This
table is the bundled schemes' files as they are at each version: a change to a file makes this
test fail until the scheme's version (and its changelog, the `# Versions:` lines at the end of scheme.toml) moves too.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from labelaudit.rulesets import load_scheme

RULESETS = Path(__file__).resolve().parents[1] / "rulesets"

# scheme id → (version, sha256 of its files' digests): update both together, never one alone.
BUNDLED = {
    "en16880": ("1.1.0", "07c9f26486c3b4c6537b7925f9f53058dccc2afeef9abe934cc5711d37750f76"),
    "service-commitments": ("1.0.0", "2b4530fcbf4385d5b5e4be617aea4b3ceceaec61044b7952c60092ab5166d113"),
}


def files_digest(digests: dict[str, str]) -> str:
    """One digest for a folder: its files' names and digests, sorted."""
    return hashlib.sha256("".join(f"{name} {digest}\n" for name, digest in sorted(digests.items())).encode()).hexdigest()


def test_every_bundled_scheme_is_in_the_table() -> None:
    assert sorted(p.name for p in RULESETS.iterdir() if (p / "scheme.toml").is_file()) == sorted(BUNDLED)


@pytest.mark.parametrize("scheme_id", sorted(BUNDLED))
def test_a_bundled_scheme_changes_its_version_with_its_files(scheme_id: str) -> None:
    scheme = load_scheme(RULESETS / scheme_id)
    version, digest = BUNDLED[scheme_id]
    assert (scheme.id, files_digest(dict(scheme.digests))) == (scheme_id, digest), (
        f"rulesets/{scheme_id} changed: give it a new version (scheme.toml, and a line under its `# Versions:`), then this table"
    )
    assert scheme.version == version, f"rulesets/{scheme_id}: a new version, and files as before? update this table"


def test_the_en16880_changelog_names_its_version() -> None:
    header = (RULESETS / "en16880" / "scheme.toml").read_text("utf-8").split("# Versions:", 1)[1]
    assert f"#   {BUNDLED['en16880'][0]}  " in header
