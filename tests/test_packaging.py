"""The package declares what it imports.

``make analyze`` installs framing without any extra: a module that ``framing/`` imports but
only an extra (or the test extra) installs passes the whole test suite and fails a newcomer's
first command. Session 11 shipped exactly that (pyarrow, then in the ``parquet`` and ``test``
extras only); this test reads every import statement in the package and checks it against
``pyproject.toml``.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Modules framing may import although no core dependency provides them: each is imported
#: only where its feature is asked for, and named in the extra that installs it.
OPTIONAL = {"distributed": "dask", "dask": "dask"}


def _name(requirement: str) -> str:
    """The normalised distribution name of a PEP 508 requirement string."""
    bare = re.match(r"[A-Za-z0-9._-]+", requirement).group()  # type: ignore[union-attr]
    return re.sub(r"[-_.]+", "-", bare).lower()


def _bare(requirement: str) -> str:
    """A requirement without its version: ``dask[distributed]>=2024.1`` → ``dask[distributed]``."""
    return re.match(r"[A-Za-z0-9._\-\[\], ]+", requirement).group().lower()  # type: ignore[union-attr]


def _imported_modules() -> dict[str, str]:
    """Top-level module → first ``file:line`` importing it, for every absolute import in
    ``framing/`` (lazy imports inside functions included)."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "framing").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                found.setdefault(top, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_third_party_import_is_a_core_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = {_name(r) for r in project["dependencies"]}
    # an extra's requirements with their own extras spelled out: dask[distributed]
    extras = {extra: {n for r in reqs for n in re.split(r"[\[\],]", _bare(r)) if n}
              for extra, reqs in project["optional-dependencies"].items()}
    provided = importlib.metadata.packages_distributions()
    missing = []
    for module, where in sorted(_imported_modules().items()):
        if module in sys.stdlib_module_names or module in {"framing", "__future__"}:
            continue
        dists = {_name(d) for d in provided.get(module, [module])}
        if module in OPTIONAL:
            assert dists & extras[OPTIONAL[module]], (module, where)
            continue
        if not dists & core:
            missing.append(f"{where}: imports {module!r} ({', '.join(sorted(dists))}), "
                           "not a core dependency in pyproject.toml")
    assert not missing, "\n".join(missing)


def test_the_scan_sees_lazy_imports() -> None:
    # pyarrow is only imported inside functions: the scan must find such imports.
    modules = _imported_modules()
    assert "pyarrow" in modules
    assert "distributed" in modules
