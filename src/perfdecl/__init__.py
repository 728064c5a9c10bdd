"""perfdecl: a compiler for budget performance-target declarations (绩效目标申报表)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("perfdecl")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
