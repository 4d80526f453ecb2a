"""The names a generated resource is known by: ``Post`` -> ``posts``, ``post``, ``/posts``.

:func:`resource_names` checks the model name (CamelCase, not a Python keyword or a name
the framework uses) and derives the rest; ``plural=`` overrides the English guess.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from sqlalchemy.dialects.postgresql.base import RESERVED_WORDS

from shipyard.errors import ShipyardError

MODEL_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")
PLURAL_NAME = re.compile(r"[a-z][a-z0-9_]*")
RESERVED_MODELS = frozenset({"Model", "User", "Role", "App", "Job", "Scenario", "Base"})
MAX_SQL_NAME = 63  # PostgreSQL cuts longer table and column names
SQL_RESERVED = frozenset(RESERVED_WORDS)
QUOTE_LENGTH = 60
_WORD = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


@dataclass(frozen=True)
class ResourceNames:
    """``Post``: ``singular`` ``post``, ``plural`` ``posts`` (the table, package, URL)."""

    model: str
    singular: str
    plural: str

    @property
    def title(self) -> str:
        """``Blog posts``: the plural as a heading."""
        return self.plural.replace("_", " ").capitalize()

    @property
    def label(self) -> str:
        """``blog post``: the singular in a sentence."""
        return self.singular.replace("_", " ")

    @property
    def url(self) -> str:
        """``/blog-posts``: where the pages live."""
        return "/" + self.plural.replace("_", "-")


def quoted(text: str) -> str:
    """``text`` quoted for a message; a long one cut, with its length."""
    if len(text) <= QUOTE_LENGTH:
        return repr(text)
    return f"{text[:QUOTE_LENGTH]!r}... ({len(text)} characters)"


def check_length(name: str, what: str) -> None:
    """Refuse a name longer than PostgreSQL keeps (63 characters)."""
    if len(name) > MAX_SQL_NAME:
        raise ShipyardError(
            f"{what} {quoted(name)} is {len(name)} characters long",
            hint=f"give a name of at most {MAX_SQL_NAME} characters, PostgreSQL's limit",
        )


def check_sql_name(name: str, what: str) -> None:
    """Refuse a table or column name PostgreSQL would cut short or read as a keyword."""
    check_length(name, what)
    if name in SQL_RESERVED:
        raise ShipyardError(
            f"{what} {name!r} is a reserved word of SQL",
            hint=f"pick another word, such as {name}_name or {name}_value",
        )


def snake_case(name: str) -> str:
    """``BlogPost`` -> ``blog_post``."""
    return _WORD.sub("_", name).lower()


def pluralize(word: str) -> str:
    """A simple English plural of a snake_case word (``category`` -> ``categories``)."""
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    return word + "s"


def resource_names(model: str, plural: str | None = None) -> ResourceNames:
    """Check ``model`` and derive its names; raise naming the rule when it is not usable."""
    check_length(model, "model name")
    if not MODEL_NAME.fullmatch(model):
        raise ShipyardError(
            f"invalid model name {quoted(model)}: use CamelCase ASCII letters and digits",
            hint="for example Post or BlogPost",
        )
    if keyword.iskeyword(model) or model in RESERVED_MODELS:
        taken = ", ".join(sorted(RESERVED_MODELS))
        raise ShipyardError(
            f"invalid model name {model!r}: Shipyard already uses it",
            hint=f"pick a name other than {taken}",
        )
    singular = snake_case(model)
    plural = plural or pluralize(singular)
    if not PLURAL_NAME.fullmatch(plural) or keyword.iskeyword(plural) or plural == singular:
        raise ShipyardError(
            f"invalid plural {quoted(plural)} for {model}",
            hint="give --plural a snake_case word that differs from the singular",
        )
    check_sql_name(plural, "table name")
    return ResourceNames(model=model, singular=singular, plural=plural)
