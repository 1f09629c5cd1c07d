"""The installed version of msme-sim (recorded with every run)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("msme-sim")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"
