"""The Python example training scripts (examples/python) run with --quick:
exit 0, write the checkpoint and the loss-curve PNG, and --resume continues
from the checkpoint. The full runs (accuracies) are in the examples' docs."""
import os
import struct
import subprocess
import sys

import numpy as np
import pytest

import ember

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
EXAMPLES = os.path.join(ROOT, "examples", "python")
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

pytestmark = pytest.mark.skipif(ember.__name__ == "torch", reason="EMBER_TEST_WITH_TORCH: the examples need ember")


def run(script, *args, cwd):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.join(ROOT, "python") + os.pathsep + env.get("PYTHONPATH", "")
    env["MPLBACKEND"] = "Agg"
    r = subprocess.run([PYTHON, os.path.join(EXAMPLES, script), "--quick", *args], cwd=str(cwd), env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    out = r.stdout.decode("utf-8", "replace")
    assert r.returncode == 0, out
    return out


@pytest.mark.parametrize("script,ext,final", [
    ("mlp_digits.py", ".safetensors", "test accuracy"),
    ("cnn_digits.py", ".safetensors", "test accuracy"),
    ("cnn_digits.py", ".pt", "test accuracy"),
    ("adder_transformer.py", ".safetensors", "held-out exact match"),
])
def test_example_quick_then_resume(tmp_path, script, ext, final):
    ck = tmp_path / ("ckpt" + ext)
    png = tmp_path / "ckpt_loss.png"
    out = run(script, "--checkpoint", str(ck), cwd=tmp_path)
    assert final in out and "samples/s" in out and "\r" in out  # progress bar redrawn in place
    assert ck.exists() and png.exists() and png.stat().st_size > 1000
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    state = ember.load(ck)
    assert state["epoch"] == 2 and "model" in state and "optim" in state
    n_losses = len(state["losses"].tolist())

    more = ["--steps", "30"] if script == "adder_transformer.py" else ["--epochs", "3"]
    out = run(script, "--checkpoint", str(ck), "--resume", *more, cwd=tmp_path)
    assert "resumed from" in out and final in out
    state2 = ember.load(ck)
    assert state2["epoch"] == 3 and len(state2["losses"].tolist()) > n_losses
    # the losses before the resume are kept
    np.testing.assert_array_equal(state2["losses"].tolist()[:n_losses], state["losses"].tolist())


def write_idx(path, arr):
    codes = {np.uint8: 0x08, np.int32: 0x0C}
    arr = np.ascontiguousarray(arr)
    with open(path, "wb") as f:
        f.write(struct.pack(">BBBB", 0, 0, codes[arr.dtype.type], arr.ndim))
        f.write(struct.pack(">" + "I" * arr.ndim, *arr.shape))
        f.write(arr.astype(arr.dtype.newbyteorder(">")).tobytes())


def test_cnn_digits_reads_mnist_idx(tmp_path):
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 120).astype(np.uint8)
    images = np.zeros((120, 28, 28), np.uint8)
    for i, l in enumerate(labels):  # a learnable pattern: a bright bar per class
        images[i, 2 + 2 * l: 4 + 2 * l, 4:24] = 255
    images = np.clip(images.astype(np.int32) + rng.integers(0, 40, images.shape), 0, 255).astype(np.uint8)
    write_idx(tmp_path / "imgs-idx3-ubyte", images)
    write_idx(tmp_path / "labels-idx1-ubyte", labels)
    np.testing.assert_array_equal(np.asarray(ember._C._io.read_idx(str(tmp_path / "imgs-idx3-ubyte")).tolist()),
                                  images)
    ck = tmp_path / "mnist.safetensors"
    out = run("cnn_digits.py", "--mnist-images", str(tmp_path / "imgs-idx3-ubyte"),
              "--mnist-labels", str(tmp_path / "labels-idx1-ubyte"), "--checkpoint", str(ck), cwd=tmp_path)
    assert "28x28" in out and "test accuracy" in out
    assert ck.exists() and (tmp_path / "mnist_loss.png").exists()
    # a truncated IDX file is a clean error, not a crash
    (tmp_path / "bad-idx3-ubyte").write_bytes((tmp_path / "imgs-idx3-ubyte").read_bytes()[:100])
    with pytest.raises(RuntimeError):
        ember._C._io.read_idx(str(tmp_path / "bad-idx3-ubyte"))
