"""`python -m perfdecl`: the same as the `perfdecl` command."""

from .cli import main

main()
