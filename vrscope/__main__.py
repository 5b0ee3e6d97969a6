"""``python -m vrscope`` runs the CLI."""

from vrscope.cli import main

main()
