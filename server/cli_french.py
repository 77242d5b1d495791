"""The CLI speaks French like the pages: help option, panel titles and no shell-completion
options (whose help click/typer only have in English)."""

from __future__ import annotations

from typing import Any

import typer
import typer.core
import typer.rich_utils

HELP_TEXT = "Affiche cette aide et quitte."
typer.rich_utils.COMMANDS_PANEL_TITLE = "Commandes"
typer.rich_utils.ARGUMENTS_PANEL_TITLE = "Arguments"
typer.rich_utils.OPTIONS_PANEL_TITLE = "Options"
typer.rich_utils.DEFAULT_STRING = "[défaut : {}]"
typer.rich_utils.REQUIRED_LONG_STRING = "[obligatoire]"


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
