"""CLI sub-commands: one module per group, each with ``register(subparsers)``.

Every command is a thin wrapper: it parses arguments, calls one public library function,
and prints or writes its result. Library errors (:class:`framing.errors.FramingError`) are
printed by :func:`framing.cli.main` without a traceback.
"""
