"""Reliability suite (issue 8): bad inputs, fuzzing, encodings, properties, determinism,
crash consistency and hostile files. Figures are listed in ``RELIABILITY.md``."""
