"""The language perfdecl speaks: English, or Chinese (简体中文) from a gettext catalog.

Every message a user reads is written in English in the code, inside `_()` (or
`ngettext` where English has a plural, `N_` where the text is translated later, when
shown), and looked up in `locale/zh_CN/LC_MESSAGES/perfdecl.mo` when the language is
Chinese. Placeholders are named (`{total}`), so a translation may put them in any order.

The language is, first that applies: `--lang`, the PERFDECL_LANG variable, then the
locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG): Chinese when it starts with `zh`.
Run as a program, perfdecl also makes its catalog gettext's default domain, so that
typer's own words (Options, Commands, Error …) come from it too; `usage.py` translates
the few typer writes outside gettext.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

DOMAIN = "perfdecl"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = {"en": "en", "zh": "zh_CN"}
"""`--lang` values and the catalog each uses (English is the code's own text)."""
ENV = "PERFDECL_LANG"

_catalog: gettext.NullTranslations | None = None
_language = "en"


def detect(argv: Sequence[str] = (), environ: Mapping[str, str] = os.environ) -> str:
    """`en` or `zh`: from `--lang` among the options before the command, else the
    environment."""
    for i, arg in enumerate(argv):
        if not arg.startswith("-"):
            break  # the command: its own options are not perfdecl's
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGUAGES:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg[7:] in LANGUAGES:
            return arg[7:]
    chosen = environ.get(ENV, "")
    if chosen in LANGUAGES:
        return chosen
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:  # the first one set decides, as for gettext itself
            return "zh" if value.split(":")[0].lower().startswith("zh") else "en"
    return "en"


def activate(lang: str, *, application: bool = False) -> None:
    """Speaks `lang` from now on, in this process and in the processes it starts (the
    build's workers read PERFDECL_LANG).

    `application`: perfdecl is the program running (its command line), not a library
    inside another one: gettext's default domain becomes perfdecl's, so that typer's own
    words come from this catalog too. Done before typer is imported, since typer looks
    some of them up as it is imported."""
    global _catalog, _language
    code = LANGUAGES[lang]
    _language = lang
    _catalog = gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)
    os.environ[ENV] = lang
    if application:
        gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
        gettext.textdomain(DOMAIN)
        os.environ["LANGUAGE"] = code  # gettext.gettext() reads the language from here


def current() -> str:
    """The language in use, `en` or `zh`."""
    _active()
    return _language


def _active() -> gettext.NullTranslations:
    if _catalog is None:
        activate(detect())
    assert _catalog is not None
    return _catalog


def _(message: str) -> str:
    """The message in the current language."""
    return _active().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural message for `n`, in the current language."""
    return _active().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a message for the catalog without translating it yet: it is stored in
    English (a rule's summary) and passed through `_()` where it is shown."""
    return message
