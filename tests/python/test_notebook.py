"""Executes examples/python/ember_intro.ipynb with nbclient (Debian's
python3-nbclient, python3-nbconvert, python3-ipykernel)."""
import os

import pytest

import ember

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")

NOTEBOOK = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "examples",
                                         "python", "ember_intro.ipynb"))


def test_intro_notebook_runs(tmp_path, monkeypatch):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    if ember.__name__ == "torch":  # EMBER_TEST_WITH_TORCH=1 self-check
        src = nb.cells[1].source
        nb.cells[1].source = src.replace("    import ember\n", "    import torch as ember\n", 1)
    # the kernel inherits the environment: let it import the ember this suite tests
    ember_root = os.path.dirname(os.path.dirname(os.path.abspath(ember.__file__)))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [ember_root] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    client = nbclient.NotebookClient(
        nb, timeout=180, kernel_name="python3",
        resources={"metadata": {"path": os.path.dirname(NOTEBOOK)}})
    client.execute()  # raises CellExecutionError with the cell's traceback
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "test accuracy" in text, text[-2000:]
    assert any("image/png" in o.get("data", {}) for o in outputs), \
        "the loss curve was not plotted inline"
    assert ember.__name__ in text
