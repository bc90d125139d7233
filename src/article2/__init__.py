"""article2: the evidence base for U.S.-Japan economic cooperation in the Indo-Pacific."""

__version__ = "0.1.0"

__all__ = ["__version__"]
