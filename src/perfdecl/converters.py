"""pandoc and Typst, the converters that `build` and the Word redline need: perfdecl's
`build` extra (pypandoc-binary, typst). Checking, formatting and diffing need neither,
so perfdecl installs without them where it only checks (the pre-commit hooks), and a
command that needs them says how to add them rather than fail on an import."""

from __future__ import annotations

from .errors import PerfdeclError
from .i18n import _

EXTRA = "perfdecl[build]"
"""What to install for `build`: perfdecl with its converters."""

MODULES = ("pypandoc", "typst")


class ConvertersMissing(PerfdeclError):
    """Raised where forms are converted when pandoc or Typst is not installed."""


def missing(error: ModuleNotFoundError) -> Exception:
    """What to raise for a failed import of a converter: ConvertersMissing, saying how
    to install them; any other missing module is raised as it is."""
    if (error.name or "").partition(".")[0] not in MODULES:
        return error
    return ConvertersMissing(_(
        "making forms (build, a DOCX redline) needs pandoc and Typst, perfdecl's `build` "
        "extra, which is not installed here ({module} is missing): pip install "
        "'{extra}', or pipx install '{extra}'").format(module=error.name, extra=EXTRA))
