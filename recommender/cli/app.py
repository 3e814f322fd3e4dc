"""The `sbb` Typer apps, the root callback (version, cache, the TUI with no command) and
the console-script entry point. Commands register themselves from their own modules, each
imported the first time one of its commands is looked up (`COMMAND_MODULES`).

Annotations are not kept as strings here (no `from __future__ import annotations`): Typer would
compile and evaluate each of the root callback's when it builds the group."""

import sys
from collections.abc import MutableMapping
from pathlib import Path

import typer
import typer.main
from typer.core import TyperGroup

from recommender.exits import BAD_INPUT, INTERNAL, OK
from recommender.cli.helpers import crash_report, err, need_terminal

# The modules registering each root command and group, in the order `sbb --help` lists them:
# `sbb recommend` imports the module of `recommend` only, `sbb --help` every one.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "recommend": ("recommender.cli.commands",),
    "compare": ("recommender.cli.commands",),
    "tui": ("recommender.cli.commands",),
    "decide": ("recommender.cli.decide",),
    "catalog": ("recommender.cli.catalog_group", "recommender.cli.sharing_group"),
}


def import_commands(name: str | None = None) -> None:
    """Import the modules registering the root command or group `name` (every one when None)."""
    from importlib import import_module

    for module in COMMAND_MODULES.get(name, ()) if name is not None else dict.fromkeys(
        m for modules in COMMAND_MODULES.values() for m in modules
    ):
        import_module(module)

class LazyTyper(typer.Typer):
    """A Typer app whose commands become Click commands only when they are used.

    Typer turns every registered function into a Click command (reading its signature and
    type hints) before it runs any of them; `sbb recommend` would pay for twenty others.
    Here the root group knows every name from the start (for help, completion and "did you
    mean"), and imports the module defining a command or sub-group and builds it the first
    time it is looked up.
    """

    def __init__(self, **kwargs):
        self.lazy_commands: dict = {}
        self.lazy_groups: dict = {}
        owner = self

        class Group(TyperGroup):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                self.commands = LazyCommands(owner, self.commands)

        super().__init__(cls=Group, **kwargs)

    def command(self, name: str | None = None, **kwargs):
        register = super().command(name, **kwargs)

        def decorator(function):
            register(function)
            info = self.registered_commands.pop()
            self.lazy_commands[name or typer.main.get_command_name(function.__name__)] = info
            return function

        return decorator

    def add_typer(self, typer_instance: typer.Typer, *, name: str, **kwargs) -> None:
        super().add_typer(typer_instance, name=name, **kwargs)
        self.lazy_groups[name] = self.registered_groups.pop()


class LazyCommands(MutableMapping):
    """The root group's commands by name, each built on first use (in registration order:
    commands, then groups, as Typer lists them)."""

    def __init__(self, owner: LazyTyper, built):
        self.owner = owner
        self.built = dict(built)

    def __getitem__(self, name: str):
        if name not in self.built:
            import_commands(name)
            owner = self.owner
            if name in owner.lazy_commands:
                self.built[name] = typer.main.get_command_from_info(
                    owner.lazy_commands[name], pretty_exceptions_short=owner.pretty_exceptions_short, rich_markup_mode=owner.rich_markup_mode
                )
            elif name in owner.lazy_groups:
                self.built[name] = typer.main.get_group_from_info(
                    owner.lazy_groups[name],
                    pretty_exceptions_short=owner.pretty_exceptions_short,
                    rich_markup_mode=owner.rich_markup_mode,
                    suggest_commands=owner.suggest_commands,
                )
            else:
                raise KeyError(name)
        return self.built[name]

    def __setitem__(self, name: str, command) -> None:
        self.built[name] = command

    def __delitem__(self, name: str) -> None:
        self.owner.lazy_commands.pop(name, None)
        self.owner.lazy_groups.pop(name, None)
        self.built.pop(name, None)

    def _names(self) -> list[str]:
        return list(dict.fromkeys([*COMMAND_MODULES, *self.owner.lazy_commands, *self.owner.lazy_groups, *self.built]))

    def __iter__(self):
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def __contains__(self, name) -> bool:
        return name in self.built or name in COMMAND_MODULES or name in self.owner.lazy_commands or name in self.owner.lazy_groups


app = LazyTyper(
    no_args_is_help=False,
    invoke_without_command=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
catalog_app = typer.Typer(
    help="Read, check and maintain catalogues.\n\n\b\nExamples:\n"
    "  sbb catalog validate ./our-catalogue\n"
    '  sbb catalog search "web analytics"\n'
    "  sbb catalog show matomo\n"
    "  sbb catalog sources",
    rich_markup_mode=None,
    no_args_is_help=True,
)
app.add_typer(catalog_app, name="catalog")


@app.callback()
def main_callback(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", help="Print the version and exit (with -v: also the catalogue sources read and their commits or digests)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="With --version: more detail."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Read every catalogue file again: the parse cache is neither used nor written (also SBB_NO_CACHE=1)."),
) -> None:
    """Share, buy, or (last resort) build: find how to get a capability, with reasons.

    With no command, open the terminal UI (it needs a terminal).

    \b
    Examples:
      sbb                                   # the guided walk in the terminal
      sbb recommend --profile examples/b-web-analytics.toml
      sbb recommend -c web-analytics --hard residency=DE -f json
      sbb --version -v                      # version and catalogue sources, for a bug report
      sbb --no-cache catalog stats          # read every catalogue file again, bypassing the cache
      sbb --install-completion              # tab completion for this shell
    """
    from recommender import catalogs

    catalogs.USE_CACHE = not no_cache
    if no_cache:
        ctx.call_on_close(lambda: setattr(catalogs, "USE_CACHE", True))  # for this run only
    if version:
        typer.echo(version_text(verbose), nl=False)
        raise typer.Exit(OK)
    if ctx.invoked_subcommand is None:
        from tui.app import run_tui

        need_terminal()
        raise typer.Exit(run_tui([]))


def version_text(verbose: bool) -> str:
    """`sharebuybuild 0.1.0`; verbose adds Python, the main libraries and each catalogue source.

    Sources are described without parsing any catalogue: a git source by the commit it was
    last pulled at, a directory (and the bundled catalogue) by the digest of its TOML files.
    """
    from importlib.metadata import PackageNotFoundError, version

    from recommender.madr import tool_version

    lines = [tool_version()]
    if not verbose:
        return lines[0] + "\n"
    libraries = []
    for name in ("typer", "textual"):
        try:
            libraries.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            libraries.append(f"{name} (not installed)")
    lines.append(f"Python {sys.version.split()[0]}, " + ", ".join(libraries))
    from catalog.sources import configured_sources, read_state
    from recommender.madr import directory_digest

    config = configured_sources()
    lines.append("catalogue sources (highest precedence first):")
    for spec in config.sources:
        if spec.kind == "git":
            state = read_state(spec)
            at = f"commit {state.commit}" if state and state.commit else "not pulled yet"
        else:
            directory = Path(spec.path)
            at = directory_digest(directory) if directory.is_dir() else "directory not found"
        lines.append(f"  {spec.name} ({spec.kind}) {at}  {spec.location}")
    lines += [f"  {problem}" for problem in config.problems]
    from catalog.text import neutralise

    return "\n".join(neutralise(line) for line in lines) + "\n"


def main() -> None:
    """Console-script entry point: a person sees a message, never a traceback."""
    # A terminal whose encoding lacks a character (a cp1252 console and `✓`) shows an escape.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass
    try:
        app()
    except KeyboardInterrupt:
        err("interrupted")
        sys.exit(130)
    except OSError as exc:  # a file or directory the command had to read or write
        where = f": {exc.filename}" if exc.filename else ""
        err(f"error: {exc.strerror or exc}{where}")
        sys.exit(BAD_INPUT)
    except Exception as exc:  # a bug: keep the details for the report, show one line
        err(f"internal error ({type(exc).__name__}: {exc}); this is a bug in sbb. {crash_report()}")
        sys.exit(INTERNAL)
