"""`perfdecl` and `python -m perfdecl`.

The language is chosen before the command line is built, because its help texts are
translated as the commands are defined.
"""

from __future__ import annotations

import sys

from . import i18n


def main() -> None:
    i18n.activate(i18n.detect(sys.argv[1:]), application=True)
    from .cli import main as run

    run()


if __name__ == "__main__":
    main()
