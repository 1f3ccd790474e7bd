"""onething: 一件事一次办 integrated government service platform."""

__version__ = "0.1.0"
