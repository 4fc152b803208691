"""The plugin contract: each hook, the plugin API version, a scheme's [requires], and the
`plugins` listing. Meta-tests: every hook is documented in its docstring and has a test here."""

from __future__ import annotations

import importlib.metadata
import inspect
import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

import labelaudit
import labelaudit_onsite
import labelaudit_schemes
import labelaudit_surveys
from labelaudit import (
    Collection,
    Indicator,
    InputError,
    Measure,
    PluginError,
    Sample,
    SourceKind,
    Text,
    hookimpl,
)
from labelaudit import hookspecs
from labelaudit.model import Requires
from labelaudit.plugins import PluginInfo, load_plugins
from labelaudit.testing import unless_installed

from clirun import REPO, run

pytest_plugins = unless_installed()

HOOKS = sorted(name for name in vars(hookspecs) if name.startswith("labelaudit_"))
BUILTINS = {"onsite": labelaudit_onsite, "schemes": labelaudit_schemes, "surveys": labelaudit_surveys}
MakePlugins = Callable[..., Any]


def plugin(name: str, *, api: Any = 1, version: str = "0.3.0", **hooks: Callable[..., None]) -> ModuleType:
    """A plugin module made in the test: `hooks` are hook name → implementation."""
    module = ModuleType(name)
    module.__version__ = version  # type: ignore[attr-defined]
    if api is not None:
        module.LABELAUDIT_API = api  # type: ignore[attr-defined]
    for hook, function in hooks.items():
        setattr(module, hook, hookimpl(function))
    return module


def kind(name: str) -> SourceKind:
    return SourceKind(name, Text(fr=f"{name} (fr)", en=f"{name} (en)"), lambda request: Collection())


def indicator(name: str) -> Indicator:
    return Indicator(name, Text(fr=name, en=name), lambda sample, context: Measure(sample.n, sample.n))


def sources(*kinds: Any) -> Callable[..., None]:
    def register_sources(register: Callable[[Any], None]) -> None:
        for item in kinds:
            register(item)

    return register_sources


# --- Meta: every hook is documented and tested -------------------------------------------------


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hookspec_documents_its_parameters_return_and_version(hook: str) -> None:
    function = getattr(hookspecs, hook)
    doc = inspect.getdoc(function) or ""
    for parameter in inspect.signature(function).parameters:
        assert f":param {parameter}:" in doc, f"{hook}: document the parameter {parameter}"
    assert ":returns:" in doc, f"{hook}: say what it returns"
    assert "Called " in doc, f"{hook}: say when it is called"
    assert re.search(r"Added in API \d+\.", doc), f"{hook}: say 'Added in API N.'"


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_test_of_its_own(hook: str) -> None:
    tests = "\n".join(p.read_text("utf-8") for p in (REPO / "tests").rglob("test_*.py"))
    assert re.search(rf"^def test_\w*{hook}\w*\(", tests, re.M), (
        f"no test named after the hook {hook}: add one (def test_{hook}_…)"
    )


def test_api_version_is_public_and_is_the_contracts() -> None:
    assert labelaudit.API_VERSION == hookspecs.API_VERSION == 1
    assert "API_VERSION" in labelaudit.__all__


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_builtin_plugins_declare_the_api(name: str, make_plugins: MakePlugins) -> None:
    assert BUILTINS[name].LABELAUDIT_API == labelaudit.API_VERSION
    assert [(p.name, p.api) for p in make_plugins().info if p.name == name] == [(name, 1)]


# --- The hooks ---------------------------------------------------------------------------------


def test_labelaudit_register_sources_gives_each_kind_its_plugin(make_plugins: MakePlugins) -> None:
    plugins = make_plugins(plugin("visits_plugin", labelaudit_register_sources=sources(kind("visits"))))
    assert plugins.kinds["visits"].plugin == "visits_plugin"
    assert plugins.kinds["grid"].plugin == "onsite"
    assert list(plugins.kinds) == sorted(plugins.kinds)


def test_labelaudit_register_sources_refuses_a_kind_registered_twice(make_plugins: MakePlugins) -> None:
    second = plugin("copycat", labelaudit_register_sources=sources(kind("grid")))
    with pytest.raises(PluginError) as caught:
        make_plugins(second)
    assert str(caught.value) == "plugin copycat: source kind 'grid' is already registered by onsite"


def test_labelaudit_register_sources_refuses_something_else(make_plugins: MakePlugins) -> None:
    wrong = plugin("confused", labelaudit_register_sources=sources(indicator("mean2")))
    with pytest.raises(PluginError, match=r"^plugin confused: registered Indicator\(name='mean2'.*expected an instance of SourceKind$"):
        make_plugins(wrong)


def test_labelaudit_register_indicators_gives_each_indicator_its_plugin(make_plugins: MakePlugins) -> None:
    def register_indicators(register: Callable[[Indicator], None]) -> None:
        register(indicator("median"))

    plugins = make_plugins(plugin("stats", labelaudit_register_indicators=register_indicators))
    assert plugins.indicators["median"].plugin == "stats"
    assert plugins.indicators["nps"].plugin == "surveys"
    assert plugins.indicators["median"].compute(Sample.of({1: 2}), None).n == 2  # type: ignore[arg-type]


def test_labelaudit_register_indicators_refuses_duplicates_and_other_things(make_plugins: MakePlugins) -> None:
    def twice(register: Callable[[Any], None]) -> None:
        register(indicator("nps"))

    def kind_instead(register: Callable[[Any], None]) -> None:
        register(kind("visits"))

    with pytest.raises(PluginError, match="^plugin twice: indicator 'nps' is already registered by surveys$"):
        make_plugins(plugin("twice", labelaudit_register_indicators=twice))
    with pytest.raises(PluginError, match=r"^plugin kind_instead: registered SourceKind\(name='visits'.*expected an instance of Indicator$"):
        make_plugins(plugin("kind_instead", labelaudit_register_indicators=kind_instead))


def test_labelaudit_register_schemes_serves_a_scheme_by_id(
    make_plugins: MakePlugins, minimal_scheme: Callable[..., Any], tmp_path: Path
) -> None:
    folder = minimal_scheme(scheme_id="provided").folder

    def register_schemes(register: Callable[[Path], None]) -> None:
        register(folder.parent)  # a folder holding schemes

    plugins = make_plugins(plugin("provider", labelaudit_register_schemes=register_schemes))
    assert plugins.scheme_folders["provided"] == folder
    assert plugins.scheme("provided").id == "provided"
    assert "en16880" in plugins.scheme_folders


def test_labelaudit_register_schemes_refuses_an_id_provided_twice(
    make_plugins: MakePlugins, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "scheme.toml").write_text('id = "en16880"\n', "utf-8")

    def register_schemes(register: Callable[[Path], None]) -> None:
        register(copy)

    with pytest.raises(PluginError) as caught:
        make_plugins(plugin("rival", labelaudit_register_schemes=register_schemes))
    assert str(caught.value).startswith(f"plugin rival: scheme 'en16880' at {copy} is already provided by schemes at ")


def test_a_hook_that_raises_is_named(make_plugins: MakePlugins) -> None:
    def broken(register: Callable[[Any], None]) -> None:
        raise RuntimeError("no config")

    with pytest.raises(PluginError, match=r"^plugin broken: labelaudit_register_sources raised RuntimeError\('no config'\)$"):
        make_plugins(plugin("broken", labelaudit_register_sources=broken))


def test_a_misspelled_hook_is_refused(make_plugins: MakePlugins) -> None:
    typo = plugin("typo", labelaudit_register_source=sources(kind("visits")))
    with pytest.raises(PluginError) as caught:
        make_plugins(typo)
    assert str(caught.value).startswith("plugin typo 0.3.0 (given in code): ")
    assert "unknown hook 'labelaudit_register_source'" in str(caught.value)


# --- The plugin API version ----------------------------------------------------------------------


def test_a_plugin_for_another_api_is_refused_with_both_versions(make_plugins: MakePlugins) -> None:
    future = plugin("future", api=2, labelaudit_register_sources=sources(kind("visits")))
    with pytest.raises(PluginError) as caught:
        make_plugins(future)
    assert str(caught.value) == (
        "plugin future 0.3.0 (given in code): written for plugin API 2, but labelaudit 0.1.0 provides API 1: "
        "install a version of the plugin written for API 1, or disable it (--disable future)"
    )
    assert caught.value.plugin == "future 0.3.0 (given in code)"


@pytest.mark.parametrize("declared", ["1", 1.0, True])
def test_an_api_that_is_not_a_whole_number_is_refused(declared: Any, make_plugins: MakePlugins) -> None:
    with pytest.raises(PluginError, match="LABELAUDIT_API must be a whole number"):
        make_plugins(plugin("odd", api=declared))


def test_a_plugin_without_an_api_is_loaded_and_says_so(make_plugins: MakePlugins) -> None:
    plugins = make_plugins(plugin("legacy", api=None, labelaudit_register_sources=sources(kind("visits"))))
    assert [(p.name, p.api) for p in plugins.info if p.name == "legacy"] == [("legacy", None)]


def fake_entry_points(monkeypatch: pytest.MonkeyPatch, **modules: ModuleType) -> None:
    """The `labelaudit` entry points are these modules, from the distribution labelaudit-NAME 0.3.0."""
    fakes = [
        SimpleNamespace(name=name, dist=SimpleNamespace(name=f"labelaudit-{name}", version="0.3.0"), load=lambda m=m: m)
        for name, m in modules.items()
    ]
    real = importlib.metadata.entry_points

    def entry_points(**select: Any) -> Any:
        return fakes if select.get("group") == "labelaudit" else real(**select)

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)


def test_an_installed_plugin_for_another_api_is_named_with_its_distribution(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_entry_points(monkeypatch, queue=plugin("labelaudit_queue", api=3))
    with pytest.raises(PluginError) as caught:
        load_plugins()
    assert str(caught.value).startswith(
        "plugin queue 0.3.0 (entry point (labelaudit-queue)): written for plugin API 3, but labelaudit 0.1.0 provides API 1"
    )


def test_an_installed_plugin_that_fails_to_import_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom() -> None:
        raise ImportError("No module named 'pandas'")

    broken = SimpleNamespace(name="heavy", dist=SimpleNamespace(name="labelaudit-heavy", version="2.0"), load=boom)
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda **select: [broken])
    with pytest.raises(PluginError) as caught:
        load_plugins()
    assert str(caught.value) == (
        "plugin heavy 2.0 (entry point (labelaudit-heavy)): failed to load: ImportError(\"No module named 'pandas'\")"
    )


def test_a_disabled_installed_plugin_is_not_even_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    def never() -> None:
        raise AssertionError("a disabled plugin was imported")

    broken = SimpleNamespace(name="heavy", dist=SimpleNamespace(name="labelaudit-heavy", version="2.0"), load=never)
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda **select: [broken])
    plugins = load_plugins(blocked=["heavy"])
    assert (plugins.info, plugins.disabled) == ((), ("heavy",))


def test_the_builtins_come_from_labelaudits_own_entry_points(make_plugins: MakePlugins) -> None:
    plugins = make_plugins()
    assert {(p.name, p.origin) for p in plugins.info} == {
        (name, "entry point (labelaudit)") for name in BUILTINS
    }
    assert make_plugins(builtins=False).info == ()
    assert [p.name for p in make_plugins(disabled=["surveys"]).info] == ["onsite", "schemes"]


def test_plugin_info_label_names_version_and_origin() -> None:
    assert PluginInfo("queue", "0.3.0", "command line", 1).label == "queue 0.3.0 (command line)"


# --- What a scheme requires ----------------------------------------------------------------------


def test_a_scheme_whose_requirements_are_met_loads(make_plugins: MakePlugins, minimal_scheme: Callable[..., Any]) -> None:
    scheme = minimal_scheme(requires={"labelaudit": ">=0.1,<1", "plugins": ["surveys", "grid"]})
    plugins = make_plugins()
    assert plugins.scheme("minimal", [scheme.folder]).requires == Requires(">=0.1,<1", ("surveys", "grid"))


@pytest.mark.parametrize(
    ("requires", "key", "message"),
    [
        ({"labelaudit": ">=9"}, "requires.labelaudit", "this scheme needs labelaudit >=9, but this is labelaudit 0.1.0"),
        ({"labelaudit": "recent"}, "requires.labelaudit", "expected a version specifier such as \">=0.1\", got 'recent'"),
        (
            {"plugins": ["surveys", "queue"]},
            "requires.plugins[1]",
            "this scheme needs the plugin or source kind 'queue', which no loaded plugin provides "
            "(plugins: onsite, schemes, surveys; source kinds: grid, survey)",
        ),
    ],
    ids=["too old", "not a specifier", "missing plugin"],
)
def test_an_unmet_requirement_names_the_scheme_file_and_key(
    requires: dict[str, Any], key: str, message: str, make_plugins: MakePlugins, minimal_scheme: Callable[..., Any]
) -> None:
    folder = minimal_scheme(requires=requires).folder
    with pytest.raises(InputError) as caught:
        make_plugins().scheme("minimal", [folder])
    [problem] = caught.value.problems
    assert problem.file == str(folder / "scheme.toml")
    assert re.fullmatch(rf"line \d+, key {re.escape(key)}", problem.where), problem.where
    assert problem.what == message


def test_an_unknown_requirement_key_is_refused(make_plugins: MakePlugins, minimal_scheme: Callable[..., Any]) -> None:
    with pytest.raises(InputError, match=r"key requires\.python: unknown key: python"):
        minimal_scheme(requires={"python": ">=3.11"})


def test_an_unmet_requirement_on_the_command_line(
    minimal_scheme: Callable[..., Any], make_audit: Callable[..., Path]
) -> None:
    scheme = minimal_scheme(requires={"plugins": ["queue"]})
    audit = make_audit(scheme, sources={"onsite": ["grid.toml"]}, files={"grid.toml": 'site = "s1"\n'})
    result = run("check", audit, "--rulesets", audit.parent / "schemes", "--disable", "queue")
    assert result.code == 2, result
    assert result.err.startswith(f"error: {scheme.folder / 'scheme.toml'}: line ")
    assert "key requires.plugins[0]: this scheme needs the plugin or source kind 'queue'" in result.err


# --- Listing and disabling -----------------------------------------------------------------------


def test_plugins_lists_origin_version_and_api() -> None:
    result = run("plugins")
    assert result.code == 0, result
    lines = result.out.splitlines()
    for name in BUILTINS:
        assert f"{name} 0.1.0 — entry point (labelaudit) — plugin API 1" in lines


def test_plugins_lists_a_command_line_plugin_and_an_undeclared_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "visits_plugin.py").write_text(
        "from labelaudit import Collection, SourceKind, Text, hookimpl\n"
        "__version__ = '2.1.0'\n"
        "@hookimpl\n"
        "def labelaudit_register_sources(register):\n"
        "    register(SourceKind('visits', Text(fr='Visites', en='Visits'), lambda request: Collection()))\n",
        "utf-8",
    )
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    result = run("plugins", "-p", "visits_plugin", lang="fr")
    assert result.code == 0, result
    assert "visits_plugin 2.1.0 — ligne de commande — API de plugin non déclarée" in result.out.splitlines()
    assert "  type de source  visits : Visites" in result.out.splitlines()


def test_plugins_refuses_a_command_line_plugin_for_another_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "future_plugin.py").write_text("__version__ = '9.0'\nLABELAUDIT_API = 2\n", "utf-8")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    result = run("plugins", "-p", "future_plugin")
    assert result.code == 2, result
    assert result.err == (
        "error: plugin future_plugin 9.0 (command line): written for plugin API 2, but labelaudit 0.1.0 provides "
        "API 1: install a version of the plugin written for API 1, or disable it (--disable future_plugin)\n"
    )
    assert run("plugins", "-p", "future_plugin", "--disable", "future_plugin").code == 0


def test_disable_removes_a_plugin_and_says_so() -> None:
    result = run("plugins", "--disable", "surveys")
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert not any(line.startswith("surveys 0.1.0") for line in lines)
    assert "  source kind  survey: Perception survey (CSV or XLSX)" not in lines
    assert lines[-1] == "surveys — disabled (--disable)"


def test_disable_of_a_name_that_is_not_installed_changes_nothing() -> None:
    plain, disabled = run("plugins"), run("plugins", "--disable", "no_such_plugin")
    assert disabled.code == 0, disabled
    assert disabled.out == plain.out


def test_options_are_in_the_help_in_both_languages() -> None:
    english, french = run("score", "--help"), run("score", "--help", lang="fr")
    assert "--plugin-timeout SECONDS" in english.out and "--on-plugin-error {stop,skip}" in english.out
    assert "how long a plugin may take to read one source" in " ".join(english.out.split())
    assert "temps maximal de lecture d'une source" in " ".join(french.out.split())


def test_plugin_messages_exist_in_both_languages_with_the_same_placeholders() -> None:
    import labelaudit.collect
    import labelaudit.scaffold  # noqa: F401 - each module adds its messages when imported
    from labelaudit.i18n import MESSAGES

    mine = {k: v for k, v in MESSAGES.items() if k.startswith("plugin.") or k == "reason.plugin_skipped"}
    assert {"plugin.api_mismatch", "plugin.timeout", "plugin.scaffold_name", "reason.plugin_skipped"} <= set(mine)
    for key, texts in mine.items():
        assert {"fr", "en"} <= set(texts), key
        assert set(re.findall(r"{(\w+)", texts["fr"])) == set(re.findall(r"{(\w+)", texts["en"])), key


# --- A plugin module given by its file ------------------------------------------------------------


def test_a_plugin_module_file_is_loaded_by_its_path(tmp_path: Path) -> None:
    module = tmp_path / "visits_plugin.py"
    module.write_text(
        "from labelaudit import Collection, SourceKind, Text, hookimpl\n"
        "__version__ = '2.1.0'\n"
        "LABELAUDIT_API = 1\n"
        "@hookimpl\n"
        "def labelaudit_register_sources(register):\n"
        "    register(SourceKind('visits', Text(fr='Visites', en='Visits'), lambda request: Collection()))\n",
        "utf-8",
    )
    result = run("plugins", "-p", module)  # no PYTHONPATH: the file is enough
    assert result.code == 0, result
    assert "visits_plugin 2.1.0 — command line — plugin API 1" in result.out.splitlines()
    assert "  source kind  visits: Visits" in result.out.splitlines()
    disabled = run("plugins", "-p", module, "--disable", "visits_plugin")  # disabled by its module's name
    assert disabled.code == 0, disabled
    assert disabled.out.splitlines()[-1] == "visits_plugin — disabled (--disable)"


def test_a_plugin_file_that_does_not_exist_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.py"
    result = run("plugins", "-p", missing)
    assert result.code == 2, result
    assert result.err == f"error: plugin {missing}: failed to load: FileNotFoundError('no such file: {missing}')\n"
