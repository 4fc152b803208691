"""Loading the bundled schemes, and the validation rules not covered by test_malformed."""

from __future__ import annotations

import contextvars
import shutil
from pathlib import Path

import pytest

from labelaudit.errors import InputError
from labelaudit.i18n import set_lang
from labelaudit.rulesets import load_scheme

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("scheme_id", ["en16880", "service-commitments"])
def test_bundled_schemes_load(scheme_id: str) -> None:
    scheme = load_scheme(REPO / "rulesets" / scheme_id)
    assert scheme.id == scheme_id
    assert all(r.criteria for r in scheme.requirements)
    assert set(scheme.digests) >= {"scheme.toml"}


def test_en16880_has_the_nine_elements_in_four_dimensions() -> None:
    scheme = load_scheme(REPO / "rulesets" / "en16880")
    assert [d.id for d in scheme.dimensions] == ["leadership", "culture", "experience", "operations"]
    by_dimension = {d.id: [r.id for r in scheme.requirements if r.dimension == d.id] for d in scheme.dimensions}
    assert by_dimension == {
        "leadership": ["vision", "commitment"],
        "culture": ["culture", "engagement"],
        "experience": ["understanding", "design", "innovation"],
        "operations": ["processes", "monitoring"],
    }
    for requirement in scheme.requirements:
        assert 3 <= len(requirement.criteria) <= 6, requirement.id
        for criterion in requirement.criteria:
            assert criterion.title.fr and criterion.title.en
            assert any(b.source == "onsite" for b in criterion.bindings)
    assert {c.pyramid for c in scheme.criteria()} == {1, 2, 3, 4}


def test_a_binding_to_a_source_without_scale_needs_its_own_curve(tmp_path: Path) -> None:
    folder = tmp_path / "sc"
    shutil.copytree(REPO / "rulesets" / "service-commitments", folder)
    requirement = folder / "requirements" / "02-attente.toml"
    text = requirement.read_text("utf-8")
    line = next(line for line in text.splitlines() if line.startswith("floor = 15"))
    requirement.write_text(text.replace(line + "\n", "", 1), "utf-8")
    with pytest.raises(InputError) as error:
        load_scheme(folder)
    assert "a binding to source 'queue' needs floor" in str(error.value)
    assert requirement.name in str(error.value)


def en16880_with(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the bundled en16880 scheme whose scheme.toml has its first `old` made `new`."""
    folder = tmp_path / "s"
    shutil.copytree(REPO / "rulesets" / "en16880", folder)
    scheme = folder / "scheme.toml"
    text = scheme.read_text("utf-8")
    assert old in text
    scheme.write_text(text.replace(old, new, 1), "utf-8")
    return folder


def test_levels_must_increase(tmp_path: Path) -> None:
    folder = en16880_with(tmp_path, "min_points = 800", "min_points = 600")
    with pytest.raises(InputError) as error:
        load_scheme(folder)
    assert "scheme.toml: line" in str(error.value)
    assert "levels must have strictly increasing min_points" in str(error.value)


def test_a_cap_gate_must_name_a_real_level(tmp_path: Path) -> None:
    folder = en16880_with(tmp_path, 'level = "confirme"', 'level = "platinum"')
    with pytest.raises(InputError) as error:
        load_scheme(folder)
    assert "unknown level 'platinum'" in str(error.value)


def test_a_gate_whose_scope_takes_no_target_says_so_in_both_languages(tmp_path: Path) -> None:
    folder = en16880_with(tmp_path, 'scope = "major_findings"', 'scope = "major_findings"\ntarget = "vision"')
    messages = []
    for lang in ("en", "fr"):

        def load() -> None:
            set_lang(lang)  # type: ignore[arg-type]
            load_scheme(folder)

        with pytest.raises(InputError) as error:
            contextvars.copy_context().run(load)
        messages.append(str(error.value))
    assert "key gates[" in messages[0] and messages[0].endswith("].target: a major_findings gate takes no target")
    assert "clé gates[" in messages[1] and messages[1].endswith("].target: une porte de portée major_findings ne prend pas de cible (target)")


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    shutil.copytree(REPO / "rulesets" / "en16880", folder)
    vision = folder / "requirements" / "01-vision.toml"
    vision.write_text(vision.read_text("utf-8").replace("weight = 2", "weight = -1", 1).replace('item = "E01"', 'item = "E77"'), "utf-8")
    with pytest.raises(InputError) as error:
        load_scheme(folder)
    assert len(error.value.problems) >= 1
    text = str(error.value)
    assert "weight must be greater than 0" in text
