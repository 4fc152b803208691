"""The plugin contract: every hook a labelaudit plugin may implement.

This module is the whole contract. A plugin is a module (or object) with functions marked
`@labelaudit.hookimpl` whose names are the hooks below; it is found through the entry-point
group ``labelaudit`` or named on the command line with ``-p module``. Each hook receives a
``register`` callback: a plugin hands its contributions to it instead of changing any global,
and two plugins registering the same name is an error that names both.

A plugin declares the version of this contract it was written for with a module attribute
``LABELAUDIT_API = 1``; a plugin written for another version is refused when it is loaded.
The version changes only when a change could break an existing plugin (a hook removed, an
argument changed); a new hook or a new optional field keeps it. Every hook's docstring says
the version that added it, and docs/plugins.md documents each one (a test checks both).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pluggy

from labelaudit.model import Indicator, SourceKind

PROJECT = "labelaudit"
API_VERSION = 1
"""The plugin API this labelaudit provides; a plugin's ``LABELAUDIT_API`` must equal it."""

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def labelaudit_register_schemes(register: Callable[[Path], None]) -> None:
    """Provide label schemes.

    :param register: call it with a folder that holds scheme folders (each with a
        ``scheme.toml`` and a ``requirements/`` folder), or with one scheme folder.
    :returns: nothing; what counts is what was given to ``register``.

    Called once per run, when the plugins are loaded, before any scheme is looked up by id.
    A scheme id provided twice is an error that names both plugins and folders; a folder
    given with ``--rulesets`` takes precedence over every plugin's. Added in API 1.
    """


@hookspec
def labelaudit_register_sources(register: Callable[[SourceKind], None]) -> None:
    """Provide kinds of evidence sources (``grid``, ``survey``, ``queue`` …).

    :param register: call it with a `SourceKind`: its ``name`` (what a scheme's
        ``[sources.X] kind`` names), a bilingual ``title``, and ``collect``, the function that
        reads an audit's files for one source. ``collect`` receives a `CollectRequest` (the
        scheme, the audit, the source, its input files and options, and the bindings that
        source must evidence) and returns a `Collection` of `Evidence` and `Finding`; a piece
        of evidence holds a direct ``value``, a ``sample`` of answers (for a binding that names
        an indicator) or a pre-aggregated ``measure`` (value, n, interval). It raises
        `InputError` for bad input, naming file and place. Optionally ``write_template``
        writes a blank input file (``labelaudit grid`` uses it).
    :returns: nothing; what counts is what was given to ``register``.

    Called once per run, when the plugins are loaded, before any evidence is collected.
    ``collect`` is then called once per source of that kind in the audit, in a worker thread
    with a time limit (``--plugin-timeout``), and what it returns is checked against the
    request (exact numbers, known bindings and sites, the measure contract, measures that can
    be pooled): a breach is a `PluginError` naming the plugin with its version. A source kind
    registered twice is an error that names both plugins. Added in API 1.
    """


@hookspec
def labelaudit_register_indicators(register: Callable[[Indicator], None]) -> None:
    """Provide indicators: named ways of turning a `Sample` of answers into a `Measure`.

    :param register: call it with an `Indicator`: its ``name`` (what a binding's
        ``indicator`` names), a bilingual ``title`` and ``compute(sample, context)``, which
        returns a `Measure`: the value in the indicator's own unit (exact), n, and the
        interval at the context's z (or no interval), its ends rounded to 6 decimals around
        the value. ``needs_pair`` marks indicators that read a paired item; the optional
        ``range`` (a pair, or a function of the context) says where values lie,
        ``mean_of_scores`` that site values pool by their n-weighted mean, and ``scores`` (an
        `AnswerScores`) how each answer scores, so that pooled intervals follow the survey
        design.
    :returns: nothing; what counts is what was given to ``register``.

    Called once per run, when the plugins are loaded, before the scheme is checked against
    the plugins. ``compute`` is then called while scoring, for each binding that names the
    indicator, and every result is checked (exact numbers, n ≥ 0, the interval, the declared
    range): a breach is a `PluginError` naming the plugin with its version, the indicator and
    the binding. An indicator registered twice is an error that names both plugins.
    Added in API 1.
    """
