"""vrscope: a tracker of virtual-reality patents and standards."""

__version__ = "0.1.0"
