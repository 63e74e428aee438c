"""``framing report``: the figure set of a corpus, without the tables.

:func:`write_report` runs the analysis stages in memory (the same
:func:`framing.analyze.run_stages` that ``framing analyze`` runs, with the same seed and
settings, so the figures are the same as those in an analysis folder's ``figures/``) and
draws every figure of :func:`framing.report.write_figures` as PNG and SVG. The folder is
written through a staging folder and swapped in only when complete
(:func:`framing.atomic.staged_dir`). It holds the figures and a ``manifest.json`` that records
the corpus hash, the configuration, the scorer the sentiment figures use and the SHA-256 of
every figure; like the analysis manifest it has no time stamps, so reruns give identical files.

New figures join the report by being added to :func:`framing.report.write_figures`; this
module draws whatever that function draws.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from framing import atomic
from framing.analyze import DEFAULT_SEED, Config, run_stages, sort_table
from framing.corpus import load_corpus
from framing.engine import RunOptions, local_jobs
from framing.errors import FramingError
from framing.pipeline import RUN_MANIFEST, check_ledger, corpus_hash, dump_json, package_versions

#: Value of ``manifest.json``'s ``framing_report`` key (format version of a report folder).
REPORT_FORMAT = 1


def _check_target(corpus_path: Path, out_path: Path) -> None:
    """Refuse an output folder inside the corpus or holding a full analysis run."""
    if out_path.resolve().is_relative_to(corpus_path.resolve()):
        raise FramingError(f"{out_path}: the output folder must not be inside the corpus folder")
    manifest = out_path / RUN_MANIFEST
    if not manifest.is_file():
        return  # staged_dir refuses a non-empty folder framing did not write
    try:
        previous = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    if not isinstance(previous, dict) or "framing_report" not in previous:
        # Replacing an analysis folder with figures only would delete its tables.
        raise FramingError(
            f"{out_path}: folder holds other framing output (its {RUN_MANIFEST} is not a "
            "report's); choose another output folder. `framing analyze` already draws the "
            "figures into its figures/ folder."
        )


def write_report(
    corpus_dir: str | Path,
    out_dir: str | Path = "report",
    codebook: str | Path | None = None,
    seed: int = DEFAULT_SEED,
    n_boot: int = 2000,
    topics_k: int | None = None,
    skip_bad: bool = False,
    progress: bool = False,
) -> list[Path]:
    """Analyse a corpus in memory and write its figure set (PNG + SVG) into ``out_dir``.

    Parameters
    ----------
    corpus_dir : path
        Corpus folder (``manifest.csv`` + articles).
    out_dir : path
        Output folder; replaced as a whole when the run succeeds. A folder framing did not
        write, or one holding a ``framing analyze`` run, is refused.
    codebook : path, optional
        Frame codebook YAML (default: the shipped codebook).
    seed, n_boot, topics_k :
        As for ``framing analyze`` (bootstrap intervals, topic model initialisation and size).
    skip_bad : bool
        Analyse the readable articles even if some manifest rows are skipped.
    progress : bool
        Show progress bars on standard error.

    Returns
    -------
    list of Path
        The files written in ``out_dir``: one PNG and one SVG per figure, sorted, then
        ``manifest.json``.
    """
    corpus_path, out_path = Path(corpus_dir), Path(out_dir)
    _check_target(corpus_path, out_path)
    config = Config(codebook=None if codebook is None else str(codebook), topics_k=topics_k,
                    seed=seed, n_boot=n_boot, figures=True, skip_bad=skip_bad)
    corpus = load_corpus(corpus_path, progress=progress)
    if not config.skip_bad:
        check_ledger(corpus)
    options = RunOptions(progress=progress)
    tables, provenance, _stats = run_stages(corpus, config, options)
    # Sorted exactly as framing analyze sorts them, so the figures are the same.
    tables = {name: sort_table(name, df) for name, df in sorted(tables.items())}

    from framing.codebook import load_codebook
    from framing.report import write_figures

    scorer = provenance["figure_scorer"]
    with atomic.staged_dir(out_path, RUN_MANIFEST) as stage:
        write_figures(tables, stage, load_codebook(config.codebook), scorer["column"],
                      jobs=local_jobs(options))
        files = {
            p.relative_to(stage).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(stage.rglob("*")) if p.is_file()
        }
        manifest = {
            "framing_report": REPORT_FORMAT,
            "versions": package_versions(),
            "corpus": {"path": corpus_path.as_posix(),
                       "sha256": corpus_hash(tables["articles"]), "counts": corpus.counts()},
            "config": config.as_dict(),
            **provenance,
            "files": files,
        }
        atomic.write_text(stage / RUN_MANIFEST, dump_json(manifest))
    return [out_path / name for name in files] + [out_path / RUN_MANIFEST]
