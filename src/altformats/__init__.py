"""altformats: one structured source, every accessible format, the same words in each."""

from altformats.api import build, check, load

__all__ = ["build", "check", "load"]
__version__ = "0.1.0"
