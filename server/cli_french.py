"""The CLI speaks French like the pages: help option, panel titles, no shell-completion
options (whose help typer only has in English), and the parser's own refusals (a wrong option,
a value that is not a number or not in the list, a missing argument…): typer's bundled copy of
click writes them as English f-strings, so their `format_message` is replaced here."""

from __future__ import annotations

import re
from typing import Any

import typer
import typer._click.exceptions as click_errors
import typer._click.formatting as click_formatting
import typer._coercion
import typer._param_types
import typer.core
import typer.rich_utils

from server.core.french_errors import french_message

HELP_TEXT = "Affiche cette aide et quitte."
typer.rich_utils.COMMANDS_PANEL_TITLE = "Commandes"
typer.rich_utils.ARGUMENTS_PANEL_TITLE = "Arguments"
typer.rich_utils.OPTIONS_PANEL_TITLE = "Options"
typer.rich_utils.DEFAULT_STRING = "[défaut : {}]"
typer.rich_utils.REQUIRED_LONG_STRING = "[obligatoire]"
typer.rich_utils.ERRORS_PANEL_TITLE = "Erreur"
typer.rich_utils.ABORTED_TEXT = "Interrompu."
typer.rich_utils.RICH_HELP = "Aide : [blue]{command_path} {help_option}[/]"

# The parser's English sentences (typer/_click/parser.py, core.py, _param_types.py).
SENTENCES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(.+) is not one of (.+)\.$"), r"\1 n'est pas parmi \2."),
    (re.compile(r"^(.+) is not in the range (.+)\.$"), r"\1 est hors de l'intervalle \2."),
    (re.compile(r"^Option (.+) does not take a value\.$"), r"L'option \1 ne prend pas de valeur."),
    (re.compile(r"^Option (.+) requires an argument\.$"), r"L'option \1 attend une valeur."),
    (re.compile(r"^Option (.+) requires (\d+) arguments\.$"), r"L'option \1 attend \2 valeurs."),
    (re.compile(r"^Got unexpected extra arguments? \((.+)\)$"), r"Argument(s) en trop : \1"),
    (re.compile(r"^Missing command\.$"), "Commande manquante."),
    (
        re.compile(r"^No such command '(.+?)'\. Did you mean '(.+?)'\?$"),
        r"Commande inconnue : \1. Vouliez-vous dire \2 ?",
    ),
    (re.compile(r"^No such command '?(.+?)'?\.$"), r"Commande inconnue : \1."),
    (re.compile(r"^No such option: (.+)$"), r"Option inconnue : \1"),
    (re.compile(r"^(.+) '(.+)' does not exist\.$"), r"« \2 » n'existe pas."),
    (re.compile(r"^(.+) '(.+)' is a file\.$"), r"« \2 » est un fichier."),
    (re.compile(r"^(.+) '(.+)' is a directory\.$"), r"« \2 » est un dossier."),
]
KINDS = {"option": "Option manquante", "argument": "Argument manquant"}


def french(text: str) -> str:
    """One of the parser's sentences in French (unknown ones are kept as they are)."""
    for pattern, replacement in SENTENCES:
        if pattern.match(text):
            return pattern.sub(replacement, text)
    return text


def _hint(error: Any) -> str:
    if error.param_hint is not None:
        return str(click_errors._join_param_hints(error.param_hint))
    if error.param is not None:
        return str(click_errors._join_param_hints(error.param.get_error_hint()))
    return ""


def _usage_message(self: Any) -> str:
    return french(str(self.message))


def _bad_parameter_message(self: Any) -> str:
    hint = _hint(self)
    text = french(str(self.message))
    return f"Valeur invalide pour {hint} : {text}" if hint else f"Valeur invalide : {text}"


def _missing_message(self: Any) -> str:
    kind = self.param_type or (self.param.param_type_name if self.param is not None else "")
    what = KINDS.get(kind, "Paramètre manquant")
    hint = _hint(self)
    return f"{what} : {hint}." if hint else f"{what}."


def _no_such_option_message(self: Any) -> str:
    text = f"Option inconnue : {self.option_name}"
    if self.possibilities:
        text += f" (vouliez-vous dire : {', '.join(sorted(self.possibilities))} ?)"
    return text


def _error_msg(exc: Any) -> str:
    """typer validates values with pydantic: its first error, in French."""
    errors = exc.errors()
    return french(french_message(errors[0])) if errors else french(str(exc))


click_errors.UsageError.format_message = _usage_message  # type: ignore[method-assign]
click_errors.BadParameter.format_message = _bad_parameter_message  # type: ignore[method-assign]
click_errors.MissingParameter.format_message = _missing_message  # type: ignore[method-assign]
click_errors.NoSuchOption.format_message = _no_such_option_message  # type: ignore[method-assign]
# typer's private modules import `get_error_msg` without re-exporting it (a third-party gap):
# the name is replaced where typer looks it up.
typer._coercion.get_error_msg = _error_msg  # type: ignore[attr-defined]
typer._param_types.get_error_msg = _error_msg  # type: ignore[attr-defined]
_write_usage = click_formatting.HelpFormatter.write_usage


def _french_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
    _write_usage(self, prog, args, "Utilisation : " if prefix is None else prefix)


click_formatting.HelpFormatter.write_usage = _french_usage  # type: ignore[method-assign]


def _french_help(option: Any) -> Any:
    if option is not None:
        option.help = HELP_TEXT
    return option


class FrenchGroup(typer.core.TyperGroup):
    def get_help_option(self, ctx: Any) -> Any:
        return _french_help(super().get_help_option(ctx))


class FrenchCommand(typer.core.TyperCommand):
    def get_help_option(self, ctx: Any) -> Any:
        return _french_help(super().get_help_option(ctx))


class FrenchTyper(typer.Typer):
    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", FrenchCommand)
        return super().command(*args, **kwargs)


def french_typer(help: str) -> typer.Typer:
    return FrenchTyper(help=help, no_args_is_help=True, add_completion=False, cls=FrenchGroup)
