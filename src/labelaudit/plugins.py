"""Finding, loading and checking plugins, and gathering what they register.

Plugins are loaded lazily, once per `load_plugins` call, never at import: tests start from a
clean manager each time. A plugin that fails to load is named with its version and error.
"""

from __future__ import annotations

import importlib
import importlib.metadata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs
import pluggy
from attrs import frozen

from labelaudit import hookspecs
from labelaudit.errors import InputError, PluginError
from labelaudit.i18n import tr
from labelaudit.model import Indicator, Scheme, SourceKind
from labelaudit.rulesets import SCHEME_FILE, load_scheme

ENTRY_POINT_GROUP = "labelaudit"
T = TypeVar("T", SourceKind, Indicator)


@frozen
class PluginInfo:
    name: str
    version: str
    origin: str  # "entry point (distribution)" or "command line"


@frozen
class Plugins:
    """The loaded plugins and everything they registered."""

    manager: pluggy.PluginManager
    info: tuple[PluginInfo, ...]
    kinds: dict[str, SourceKind]
    indicators: dict[str, Indicator]
    scheme_folders: dict[str, Path]

    def version_of(self, plugin: str) -> str:
        return next((p.version for p in self.info if p.name == plugin), "unknown")

    def scheme(self, scheme_id: str, extra_dirs: Sequence[Path] = ()) -> Scheme:
        """Load a scheme by id (from `extra_dirs` first) and check it against the plugins."""
        folders = dict(self.scheme_folders)
        for folder in extra_dirs:  # --rulesets folders take precedence over the plugins'
            folders.update(_scheme_folders_in(folder))
        folder = folders.get(scheme_id)
        if folder is None:
            raise InputError.at(
                scheme_id, "", tr("scheme.unknown", name=scheme_id, known=", ".join(sorted(folders)) or "—")
            )
        scheme = load_scheme(folder)
        self.check_scheme(scheme)
        return scheme

    def check_scheme(self, scheme: Scheme) -> None:
        """Every source kind and indicator a scheme names must be provided by a plugin."""
        problems = []
        scheme_file = (scheme.folder or Path(".")) / SCHEME_FILE
        for source_id, source in scheme.sources.items():
            if source.kind not in self.kinds:
                problems.append(
                    InputError.at(
                        scheme_file, f"key sources.{source_id}.kind",
                        tr("kind.unknown", kind=source.kind, known=", ".join(sorted(self.kinds))),
                    ).problems[0]
                )
        for requirement in scheme.requirements:
            for criterion in requirement.criteria:
                for binding in criterion.bindings:
                    if binding.indicator is not None and binding.indicator not in self.indicators:
                        problems.append(
                            InputError.at(
                                requirement.file or scheme_file, f"criterion {criterion.id}, binding {binding.id}",
                                tr("indicator.unknown", name=binding.indicator, known=", ".join(sorted(self.indicators))),
                            ).problems[0]
                        )
        if problems:
            raise InputError(problems)


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
    import tomllib

    try:
        data = tomllib.loads((folder / SCHEME_FILE).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return folder.name  # the full load reports the problem precisely
    value = data.get("id")
    return value if isinstance(value, str) else folder.name


def _entry_points() -> Iterable[importlib.metadata.EntryPoint]:
    return importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)


def _load_entry_point(ep: importlib.metadata.EntryPoint) -> tuple[Any, PluginInfo]:
    dist = ep.dist.name if ep.dist else "?"
    version = ep.dist.version if ep.dist else "unknown"
    try:
        module = ep.load()
    except Exception as exc:  # any failure of third-party code is reported, not raised as a bug
        raise PluginError(f"{ep.name} ({dist} {version})", f"failed to load: {exc!r}") from None
    return module, PluginInfo(ep.name, version, f"entry point ({dist})")


def _load_named(name: str) -> tuple[Any, PluginInfo]:
    try:
        module = importlib.import_module(name)
    except Exception as exc:
        raise PluginError(name, f"failed to load: {exc!r}") from None
    return module, PluginInfo(name, str(getattr(module, "__version__", "unknown")), "command line")


def load_plugins(named: Sequence[str] = (), blocked: Sequence[str] = ()) -> Plugins:
    """A fresh manager with the entry-point plugins (less `blocked`) and the `named` ones."""
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    for name in blocked:
        manager.set_blocked(name)
    infos = []
    loaded = [_load_entry_point(ep) for ep in _entry_points() if ep.name not in blocked]
    loaded += [_load_named(name) for name in named if name not in blocked]
    for module, info in loaded:
        if manager.is_registered(module) or manager.has_plugin(info.name):
            continue
        try:
            manager.register(module, name=info.name)
        except (ValueError, pluggy.PluginValidationError) as exc:
            raise PluginError(f"{info.name} ({info.version})", str(exc)) from None
        infos.append(info)
    try:
        manager.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(str(exc.plugin_name if hasattr(exc, "plugin_name") else "?"), str(exc)) from None
    return Plugins(
        manager=manager,
        info=tuple(infos),
        kinds=_collect(manager.hook.labelaudit_register_sources, "source kind"),
        indicators=_collect(manager.hook.labelaudit_register_indicators, "indicator"),
        scheme_folders=_collect_schemes(manager),
    )


def _call_each(hook: Any, register_for: Callable[[str], Callable[[Any], None]]) -> None:
    """Call every implementation with a `register` that knows which plugin is calling."""
    for impl in hook.get_hookimpls():
        try:
            impl.function(register=register_for(impl.plugin_name))
        except PluginError:
            raise
        except Exception as exc:
            raise PluginError(impl.plugin_name, f"{hook.name} raised {exc!r}") from None


def _collect(hook: Any, what: str) -> dict[str, Any]:
    registered: dict[str, Any] = {}

    def register_for(plugin: str) -> Callable[[Any], None]:
        def register(item: Any) -> None:
            if not isinstance(item, (SourceKind, Indicator)):
                raise PluginError(plugin, f"registered {item!r}, expected a {what}")
            if item.name in registered:
                first = registered[item.name].plugin
                raise PluginError(plugin, f"{what} {item.name!r} is already registered by {first}")
            registered[item.name] = attrs.evolve(item, plugin=plugin)

        return register

    _call_each(hook, register_for)
    return dict(sorted(registered.items()))


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
