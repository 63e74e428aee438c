"""Settings of one ``framing analyze`` run (:class:`Config`), recorded in its manifest.

Free of heavy imports: the command line builds its parser from these defaults before it
loads anything else.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Seed of every random step (bootstrap, permutation, topic model initialisation).
DEFAULT_SEED = 20250704


@dataclass
class Config:
    """Settings of one analysis run (recorded in ``manifest.json``)."""

    codebook: str | None = None
    topics_k: int | None = None
    seed: int = DEFAULT_SEED
    n_boot: int = 2000
    timeline_freq: str = "M"
    excel: bool = False
    parquet: bool = False
    csv: bool = True
    figures: bool = True
    skip_bad: bool = False

    def as_dict(self) -> dict:
        """The configuration as plain JSON values."""
        return {k: v for k, v in self.__dict__.items()}
