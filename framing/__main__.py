"""``python -m framing`` runs the command-line interface."""

from framing.cli import main

if __name__ == "__main__":  # not when a worker process imports it
    raise SystemExit(main())
