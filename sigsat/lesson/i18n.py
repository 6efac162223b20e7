"""The lecture in other languages: its text through gettext catalogs, its numbers in each locale.

English is the source language: every string a viewer meets is written in English in the code,
marked for extraction (``N_("...")`` where a module keeps it in a table, ``tr("...")`` where it is
used at once), and looked up at run time in ``sigsat/locale/<lang>/LC_MESSAGES/sigsat.po``. A
language is shipped when its catalog is there; ``[narration] language`` chooses among them.

Numbers are computed and rounded in English form by :mod:`sigsat.lesson.display` and put into a
locale's form here, once, with Babel's locale data (decimal sign, minus sign, percent pattern):
``0.0066`` reads ``0,0066`` and ``2.7%`` reads ``2,7 %`` (no-break space) in German and Spanish.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Iterable, Mapping

from babel.messages.pofile import read_po

from . import display
from .narration import fill

__all__ = ["SOURCE_LANGUAGE", "LOCALE_DIR", "DOMAIN", "N_", "languages", "catalog", "Language",
           "language", "KEYWORDS"]

#: The language the code is written in; it needs no catalog.
SOURCE_LANGUAGE = "en"
#: Where the catalogs live: outside ``sigsat/lesson`` on purpose, so that a changed German line
#: changes only the render keys of German scenes that use it (see sigsat.production.keys).
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "sigsat"
#: The marker functions ``pybabel extract`` looks for (``-k N_ -k tr``; ``_`` is its default).
KEYWORDS = ("_", "N_", "tr")


def N_(message: str) -> str:
    """Mark ``message`` for translation where it is kept (a table, a template); translated later.

    Examples
    --------
    >>> N_("The sigmoid saturates")
    'The sigmoid saturates'
    """
    return message


def languages() -> tuple[str, ...]:
    """The shipped languages: English first, then every language with a catalog, sorted."""
    found = sorted(p.parents[1].name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (SOURCE_LANGUAGE, *[code for code in found if code != SOURCE_LANGUAGE])


def _po_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.lru_cache(maxsize=16)
def _read(code: str, _mtime_ns: int) -> dict[str, str]:
    with _po_path(code).open("rb") as f:
        po = read_po(f, locale=code)
    # As gettext does: a fuzzy or empty entry is no translation.
    return {m.id: m.string for m in po if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


def catalog(code: str) -> dict[str, str]:
    """English message -> translation, for ``code`` (empty for English). Re-read when it changes."""
    if code == SOURCE_LANGUAGE:
        return {}
    return _read(code, _po_path(code).stat().st_mtime_ns)


class Language:
    """One language of the lecture: its translations and its numbers.

    Every lookup is remembered in :attr:`used`, so that what a scene takes from a catalog can be
    named (its render key holds exactly those entries).
    """

    def __init__(self, code: str = SOURCE_LANGUAGE):
        if code not in languages():
            raise ValueError(f"no catalog for language {code!r}; shipped: {', '.join(languages())}")
        self.code = code
        self.used: set[str] = set()

    def __call__(self, message: str) -> str:
        """``message`` in this language (English when it has no translation)."""
        self.used.add(message)
        return catalog(self.code).get(message, message)

    def lines(self, templates: Mapping[str, str]) -> dict[str, str]:
        """Every template translated, keys and order kept."""
        return {key: self(template) for key, template in templates.items()}

    def number(self, text: str) -> str:
        """A number as :mod:`~sigsat.lesson.display` shows it, in this language's form."""
        return display.localize(text, self.code)

    def numbers(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """``values`` with every number-shaped string in this language's form; others unchanged."""
        return {k: self.number(v) if isinstance(v, str) else v for k, v in values.items()}

    def fill(self, templates: Mapping[str, str], values: Mapping[str, str]) -> dict[str, str]:
        """The translated templates filled with ``values`` (numbers localised, words as given)."""
        return fill(self.lines(templates), self.numbers(values))

    @property
    def decimal(self) -> str:
        """The decimal sign (for live readouts that format numbers themselves)."""
        return display.localize("0.5", self.code)[1]

    def __repr__(self) -> str:
        return f"Language({self.code!r})"


def language(params: Any) -> Language:
    """The language of ``params`` (``[narration] language``): the one place a module reads it."""
    return Language(params.narration.language)


def entries(code: str, messages: Iterable[str]) -> dict[str, str]:
    """The catalog entries of ``messages`` in ``code`` (untranslated ones map to "")."""
    table = catalog(code)
    return {m: table.get(m, "") for m in sorted(set(messages))}
