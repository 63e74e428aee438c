"""The notebooks run top to bottom, use only framing's library, and are committed clean.

- Static: no code cell defines a function, lambda or class (analysis belongs in the library),
  every import comes from framing, pandas, matplotlib, IPython or the standard modules
  pathlib, tempfile and os, and no cell carries outputs or execution counts.
- Execution: each notebook runs in a fresh kernel of *this* interpreter (a kernelspec written
  into a temporary folder, so a user's own ``python3`` kernel is never picked up) with
  matplotlib's missing-glyph warnings turned into errors inside the kernel, and no cell may
  raise.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = ["01_outlet_comparison.ipynb", "02_longitudinal.ipynb"]
ALLOWED_IMPORTS = {"framing", "pandas", "matplotlib", "IPython", "pathlib", "tempfile", "os"}

#: Run in the kernel before the notebook's cells. matplotlib attributes its missing-glyph
#: warning to the caller's module (``_api.warn_external``), so the filter matches the message,
#: not the module.
GLYPH_GUARD = (
    "import warnings\n"
    "warnings.filterwarnings('error', message=r'.*missing from (current )?font',"
    " category=UserWarning)"
)


def _read(name: str):
    return nbformat.read(NOTEBOOK_DIR / name, as_version=4)


def _code_cells(name: str) -> list[str]:
    return [c.source for c in _read(name).cells if c.cell_type == "code"]


def test_the_notebooks_exist():
    assert sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb")) == NOTEBOOKS


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_defines_no_functions_and_imports_only_the_library(name):
    for source in _code_cells(name):
        assert not re.search(r"(^|\s)(def|class)\s", source), source
        tree = ast.parse(source)
        for node in ast.walk(tree):
            assert not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
                                  | ast.Lambda), ast.unparse(node)
            if isinstance(node, ast.Import):
                tops = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                assert node.level == 0 and node.module, ast.unparse(node)
                tops = {node.module.split(".")[0]}
            else:
                continue
            assert tops <= ALLOWED_IMPORTS, ast.unparse(node)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_committed_without_outputs(name):
    nb = _read(name)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:80]
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.fixture(scope="module")
def venv_kernel(tmp_path_factory):
    """A ``python3`` kernelspec for this interpreter, first on ``JUPYTER_PATH``."""
    from ipykernel.kernelspec import install

    prefix = tmp_path_factory.mktemp("kernel")
    install(kernel_name="python3", prefix=str(prefix))  # argv[0] is sys.executable
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [str(prefix / "share" / "jupyter"), *([old] if old else [])])
    try:
        yield "python3"
    finally:
        if old is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = old


def _run(nb, kernel: str):
    nb.cells.insert(0, nbformat.v4.new_code_cell(GLYPH_GUARD))
    client = nbclient.NotebookClient(nb, kernel_name=kernel, timeout=600,
                                     resources={"metadata": {"path": str(NOTEBOOK_DIR)}})
    client.execute()
    return nb


def test_the_kernel_turns_a_missing_glyph_into_an_error(venv_kernel):
    # Guard the guard: with a font lacking CJK glyphs, drawing Chinese must fail the cell.
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import io, sys\n"
        "import matplotlib\n"
        "matplotlib.use('Agg')\n"
        "import matplotlib.pyplot as plt\n"
        "print(sys.executable)\n"
        "matplotlib.rcParams['font.family'] = 'DejaVu Sans'\n"
        "fig, ax = plt.subplots()\n"
        "ax.set_title('人才戰')\n"
        "fig.savefig(io.BytesIO(), format='png')\n"
    )])
    with pytest.raises(nbclient.exceptions.CellExecutionError, match="missing from"):
        _run(nb, venv_kernel)
    assert nb.cells[1].outputs[0]["text"].strip() == sys.executable


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_top_to_bottom(name, venv_kernel):
    nb = _run(_read(name), venv_kernel)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert errors == []
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "display_data" and "image/png" in o.data]
    assert len(images) >= (8 if name.startswith("01") else 2)
