"""article2: the evidence base for U.S.-Japan economic cooperation in the Indo-Pacific."""

__version__ = "0.1.0"

__all__ = ["__version__"]


def __getattr__(name: str):
    """Forward ``article2.profile`` and ``article2.compare`` to :mod:`article2.api`, lazily
    (importing the package stays light)."""
    if name in ("profile", "compare"):
        from article2 import api

        return getattr(api, name)
    raise AttributeError(f"module 'article2' has no attribute {name!r}")
