"""Finding, loading and checking plugins, and gathering what they register.

Plugins are loaded lazily, once per `load_plugins` call, never at import: tests start from a
clean manager each time. A plugin that fails to load, or that was written for another plugin
API version (its ``LABELAUDIT_API``), is named with its version and refused. A scheme's
``[requires]`` table (a labelaudit version, plugins or source kinds) is checked here too,
when the scheme is looked up.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from types import ModuleType
from typing import Any, Literal, TypeVar

import attrs
import pluggy
from attrs import frozen

from labelaudit import hookspecs
from labelaudit.errors import InputError, PluginError, Problem
from labelaudit.i18n import both, tr
from labelaudit.model import Indicator, Requires, Scheme, SourceKind, Text
from labelaudit.rulesets import SCHEME_FILE, load_scheme
from labelaudit.tomlfiles import load_toml, where

ENTRY_POINT_GROUP = "labelaudit"
BUILTIN_DISTRIBUTION = "labelaudit"  # the built-in plugins are this distribution's entry points
API_ATTRIBUTE = "LABELAUDIT_API"
T = TypeVar("T", SourceKind, Indicator)
EntryPoints = Literal["all", "builtins", "none"]



@frozen
class PluginInfo:
    """A loaded plugin: its name, version, where it came from, and the API it declares."""

    name: str
    version: str
    origin: str  # "entry point (distribution)", "command line" or "given in code"
    api: int | None = None  # its LABELAUDIT_API; None when it declares none

    @property
    def label(self) -> str:
        """How messages name the plugin: name, version and origin."""
        return f"{self.name} {self.version} ({self.origin})"


@frozen
class Plugins:
    """The loaded plugins and everything they registered."""

    manager: pluggy.PluginManager
    info: tuple[PluginInfo, ...]
    kinds: dict[str, SourceKind]
    indicators: dict[str, Indicator]
    scheme_folders: dict[str, Path]
    disabled: tuple[str, ...] = ()  # names given to --disable that matched a plugin

    def version_of(self, plugin: str) -> str:
        return next((p.version for p in self.info if p.name == plugin), "unknown")

    def scheme(self, scheme_id: str, extra_dirs: Sequence[Path] = ()) -> Scheme:
        """Load a scheme by id (from `extra_dirs` first) and check it against the plugins."""
        folders = dict(self.scheme_folders)
        for extra in extra_dirs:  # --rulesets folders take precedence over the plugins'
            folders.update(_scheme_folders_in(extra))
        folder = folders.get(scheme_id)
        if folder is None:
            raise InputError.at(
                scheme_id, "", tr("scheme.unknown", name=scheme_id, known=", ".join(sorted(folders)) or "—")
            )
        scheme = load_scheme(folder)
        self.check_scheme(scheme)
        return scheme

    def check_scheme(self, scheme: Scheme) -> None:
        """The scheme's `[requires]` first, then every source kind and indicator it names."""
        scheme_file = (scheme.folder or Path(".")) / SCHEME_FILE
        if scheme.requires is not None:
            problems = self.check_requires(scheme.requires, scheme_file)
            if problems:
                raise InputError(problems)
        problems = []
        for source_id, source in scheme.sources.items():
            if source.kind not in self.kinds:
                problems.append(
                    Problem(
                        str(scheme_file), tr("place.key", key=f"sources.{source_id}.kind"),
                        tr("kind.unknown", kind=source.kind, known=", ".join(sorted(self.kinds))),
                    )
                )
        for requirement in scheme.requirements:
            for criterion in requirement.criteria:
                for binding in criterion.bindings:
                    if binding.indicator is not None and binding.indicator not in self.indicators:
                        problems.append(
                            Problem(
                                str(requirement.file or scheme_file), f"criterion {criterion.id}, binding {binding.id}",
                                tr("indicator.unknown", name=binding.indicator, known=", ".join(sorted(self.indicators))),
                            )
                        )
        if problems:
            raise InputError(problems)

    def check_requires(self, requires: Requires, scheme_file: Path) -> list[Problem]:
        """What a scheme's `[requires]` asks for that this labelaudit and its plugins lack."""
        text = _text_of(scheme_file)
        problems = []
        if requires.labelaudit is not None:
            what = _version_problem(requires.labelaudit)
            if what is not None:
                problems.append(Problem(str(scheme_file), where(text, "requires.labelaudit"), what))
        names = {p.name for p in self.info} | set(self.kinds)
        for i, name in enumerate(requires.plugins):
            if name not in names:
                what = tr(
                    "plugin.requires_plugin", name=name,
                    plugins=", ".join(sorted(p.name for p in self.info)) or "—",
                    kinds=", ".join(sorted(self.kinds)) or "—",
                )
                problems.append(Problem(str(scheme_file), where(text, f"requires.plugins[{i}]"), what))
        return problems


def _version_problem(spec: str) -> str | None:
    """Why this labelaudit does not satisfy the version specifier `spec`, or None."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    from labelaudit import __version__

    try:
        wanted = SpecifierSet(spec)
    except InvalidSpecifier:
        return tr("plugin.requires_spec", found=spec)
    if wanted.contains(__version__, prereleases=True):
        return None
    return tr("plugin.requires_version", spec=spec, version=__version__)


def _text_of(path: Path) -> str | None:
    """A file's text, to place a problem at its line; None if it cannot be read (already loaded)."""
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _scheme_folders_in(folder: Path) -> dict[str, Path]:
    """Scheme id → folder, for a folder that is a scheme or holds schemes."""
    if (folder / SCHEME_FILE).is_file():
        candidates = [folder]
    elif folder.is_dir():
        candidates = sorted(p for p in folder.iterdir() if (p / SCHEME_FILE).is_file())
    else:
        candidates = []
    return {_scheme_id(candidate): candidate for candidate in candidates}


def _scheme_id(folder: Path) -> str:
    """The id a scheme declares (read cheaply: the folder name when the file has none)."""
    try:
        data = load_toml(folder / SCHEME_FILE)[0]  # bounded: a huge or deep file is refused
    except InputError:
        return folder.name  # the full load reports the problem precisely
    value = data.get("id")
    return value if isinstance(value, str) else folder.name


# --- Loading -------------------------------------------------------------------------------------


def _entry_points(which: EntryPoints = "all") -> list[importlib.metadata.EntryPoint]:
    """The `labelaudit` entry points: all of them, only the built-ins, or none."""
    if which == "none":
        return []
    found = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    if which == "builtins":
        return [ep for ep in found if ep.dist is not None and ep.dist.name == BUILTIN_DISTRIBUTION]
    return list(found)


def _load_entry_point(ep: importlib.metadata.EntryPoint) -> tuple[Any, PluginInfo]:
    dist = ep.dist.name if ep.dist else "?"
    version = ep.dist.version if ep.dist else "unknown"
    info = PluginInfo(ep.name, version, f"entry point ({dist})")
    try:
        module = ep.load()
    except Exception as exc:  # any failure of third-party code is reported, not raised as a bug
        raise PluginError(info.label, tr("plugin.load_failed", error=repr(exc))) from None
    return module, info


def is_plugin_file(name: str) -> bool:
    """Whether ``-p`` names a module file (``plugins/visits.py``) rather than a module."""
    return name.endswith(".py") or "/" in name or os.sep in name


def plugin_name(name: str) -> str:
    """The name a ``-p`` plugin goes by: the module's, or a module file's stem."""
    return Path(name).stem if is_plugin_file(name) else name


def _load_named(name: str) -> tuple[Any, PluginInfo]:
    try:
        module = _import_file(Path(name)) if is_plugin_file(name) else importlib.import_module(name)
    except Exception as exc:
        raise PluginError(name, tr("plugin.load_failed", error=repr(exc))) from None
    return module, PluginInfo(plugin_name(name), _version_of(module), "command line")


def _import_file(path: Path) -> ModuleType:
    """A plugin module read from its file, under its stem's name (so its own imports of it work)."""
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path} as a module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(path.stem, None)
        raise
    return module


def given(plugin: Any, name: str | None = None) -> tuple[Any, PluginInfo]:
    """A plugin object handed over in code (a module, a class, an instance), as `load_plugins` takes it."""
    return plugin, PluginInfo(name or _name_of(plugin), _version_of(plugin), "given in code")


def _name_of(plugin: Any) -> str:
    return str(getattr(plugin, "__name__", None) or type(plugin).__name__)


def _version_of(plugin: Any) -> str:
    return str(getattr(plugin, "__version__", "unknown"))


def check_api(plugin: Any, info: PluginInfo) -> PluginInfo:
    """The plugin's declared `LABELAUDIT_API`, refused unless it is this labelaudit's API."""
    from labelaudit import __version__

    declared = getattr(plugin, API_ATTRIBUTE, None)
    if declared is None:
        return info
    if isinstance(declared, bool) or not isinstance(declared, int):
        raise PluginError(info.label, tr("plugin.api_invalid", found=declared))
    if declared != hookspecs.API_VERSION:
        raise PluginError(
            info.label,
            tr("plugin.api_mismatch", declared=declared, api=hookspecs.API_VERSION, version=__version__, name=info.name),
        )
    return attrs.evolve(info, api=declared)


def load_plugins(
    named: Sequence[str] = (),
    blocked: Sequence[str] = (),
    *,
    objects: Sequence[tuple[Any, PluginInfo]] = (),
    entry_points: EntryPoints = "all",
) -> Plugins:
    """A fresh manager with the entry-point plugins, the `named` modules and the given `objects`.

    `blocked` names are never loaded (``--disable``). `entry_points` chooses which entry-point
    plugins are loaded: all of them (the command line), only labelaudit's own (tests), none.
    `objects` are ``(plugin, info)`` pairs, as `given` makes them.
    """
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    for name in blocked:
        manager.set_blocked(name)
    available = _entry_points(entry_points)
    loaded = [_load_entry_point(ep) for ep in available if ep.name not in blocked]
    loaded += [_load_named(name) for name in named if plugin_name(name) not in blocked]
    loaded += [(plugin, info) for plugin, info in objects if info.name not in blocked]
    infos = _register(manager, loaded)
    known = {ep.name for ep in available} | {plugin_name(n) for n in named} | {info.name for _, info in objects}
    labels = {info.name: info.label for info in infos}
    return Plugins(
        manager=manager,
        info=tuple(infos),
        kinds=_collect(manager.hook.labelaudit_register_sources, "source kind", SourceKind, labels),
        indicators=_collect(manager.hook.labelaudit_register_indicators, "indicator", Indicator, labels),
        scheme_folders=_collect_schemes(manager),
        disabled=tuple(sorted(set(blocked) & known)),
    )


def _register(manager: pluggy.PluginManager, loaded: Iterable[tuple[Any, PluginInfo]]) -> list[PluginInfo]:
    """Register each plugin once, after checking its API; reject hooks that do not exist."""
    infos = []
    for plugin, info in loaded:
        if manager.is_registered(plugin) or manager.has_plugin(info.name):
            continue
        info = check_api(plugin, info)
        try:
            manager.register(plugin, name=info.name)
        except (ValueError, pluggy.PluginValidationError) as exc:
            raise PluginError(info.label, str(exc)) from None
        infos.append(info)
    try:
        manager.check_pending()  # a misspelled hook name is an error, not a silent no-op
    except pluggy.PluginValidationError as exc:
        name = manager.get_name(exc.plugin) or _name_of(exc.plugin)
        raise PluginError(next((i.label for i in infos if i.name == name), name), str(exc)) from None
    return infos


def _call_each(hook: Any, register_for: Callable[[str], Callable[[Any], None]]) -> None:
    """Call every implementation with a `register` that knows which plugin is calling."""
    for impl in hook.get_hookimpls():
        try:
            impl.function(register=register_for(impl.plugin_name))
        except PluginError:
            raise
        except Exception as exc:
            raise PluginError(impl.plugin_name, f"{hook.name} raised {exc!r}") from None


def _collect(hook: Any, what: str, expected: type[T], labels: Mapping[str, str]) -> dict[str, T]:
    """Name → what the hook's implementations registered, each stamped with its plugin's name
    and label (name, version, origin: how messages name it)."""
    registered: dict[str, Any] = {}

    def register_for(plugin: str) -> Callable[[Any], None]:
        def register(item: Any) -> None:
            if not isinstance(item, expected):
                raise PluginError(plugin, f"registered {item!r}, expected an instance of {expected.__name__}")
            if item.name in registered:
                first = registered[item.name].plugin
                raise PluginError(plugin, f"{what} {item.name!r} is already registered by {first}")
            if isinstance(item, Indicator):
                problem = _indicator_problem(item)
                if problem is not None:
                    raise PluginError(labels.get(plugin, plugin), problem)
            registered[item.name] = attrs.evolve(item, plugin=plugin, plugin_label=labels.get(plugin, plugin))

        return register

    _call_each(hook, register_for)
    return dict(sorted(registered.items()))


def _indicator_problem(indicator: Indicator) -> Text | None:
    """What is wrong with an indicator's declarations (its range, its flags), or None."""
    declared = indicator.range
    if declared is not None and not callable(declared):
        pair = isinstance(declared, tuple) and len(declared) == 2
        if not pair or not all(_exact(x) for x in declared) or not declared[0] < declared[1]:
            return both("plugin.bad_range", indicator=indicator.name, found=repr(declared))
    for flag in ("needs_pair", "mean_of_scores"):
        if not isinstance(getattr(indicator, flag), bool):
            return both("plugin.bad_flag", indicator=indicator.name, flag=flag, found=repr(getattr(indicator, flag)))
    return None


def _exact(value: object) -> bool:
    return isinstance(value, (Fraction, int)) and not isinstance(value, bool)


def _collect_schemes(manager: pluggy.PluginManager) -> dict[str, Path]:
    folders: dict[str, Path] = {}
    owners: dict[str, str] = {}

    def register_for(plugin: str) -> Callable[[Path], None]:
        def register(folder: Path) -> None:
            for scheme_id, scheme_folder in _scheme_folders_in(Path(folder)).items():
                if scheme_id in folders and folders[scheme_id] != scheme_folder:
                    raise PluginError(
                        plugin,
                        f"scheme {scheme_id!r} at {scheme_folder} is already provided by "
                        f"{owners[scheme_id]} at {folders[scheme_id]}",
                    )
                folders[scheme_id], owners[scheme_id] = scheme_folder, plugin

        return register

    _call_each(manager.hook.labelaudit_register_schemes, register_for)
    return folders
