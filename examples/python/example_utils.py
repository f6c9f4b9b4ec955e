"""Shared bits of the Python example training scripts: a one-line progress
bar (as examples/cpp/progress.h), checkpoint helpers and the loss-curve plot."""
import os
import sys
import time


class Progress:
    """``label [#####.....] done/total  loss 0.1234  5678 samples/s``, redrawn in place with \\r."""

    def __init__(self, label, total, width=30, stream=None):
        self.label, self.total, self.width = label, total, width
        self.stream = stream or sys.stdout
        self.t0 = time.perf_counter()
        self.samples = 0
        self.last_draw = 0.0

    def update(self, done, loss, samples, extra=""):
        self.samples += samples
        now = time.perf_counter()
        if done < self.total and now - self.last_draw < 0.1:  # at most 10 redraws a second
            return
        self.last_draw = now
        secs = now - self.t0
        filled = int(self.width * done / self.total) if self.total else self.width
        bar = "#" * filled + "." * (self.width - filled)
        rate = self.samples / secs if secs > 0 else 0.0
        self.stream.write("\r%s [%s] %d/%d  loss %.4f  %.0f samples/s%s" % (
            self.label, bar, done, self.total, loss, rate, ("  " + extra) if extra else ""))
        self.stream.flush()

    def finish(self, extra=""):
        if extra:
            self.stream.write("  " + extra)
        self.stream.write("\n")
        self.stream.flush()
        return time.perf_counter() - self.t0


def loss_curve_path(checkpoint):
    """The PNG written next to the checkpoint: ``ckpt.safetensors`` -> ``ckpt_loss.png``."""
    return os.path.splitext(checkpoint)[0] + "_loss.png"


_last_plot = [0.0]


def save_loss_curve(losses, path, title, xlabel="step", extra=None, final=True):
    """Plots the per-step losses (and a smoothed curve) with matplotlib's Agg backend.
    ``extra``: optional (label, xs, ys) for a second axis (e.g. test accuracy).
    Drawing takes ~0.4 s, longer than an epoch of the digits examples, so a
    call with final=False (the epochs before the last) draws at most every 10 s."""
    if not final and time.monotonic() - _last_plot[0] < 10:
        return
    _last_plot[0] = time.monotonic()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    xs = list(range(1, len(losses) + 1))
    ax.plot(xs, losses, lw=0.6, alpha=0.4, label="loss")
    if len(losses) >= 10:
        alpha = 2.0 / (max(5, len(losses) // 30) + 1)  # an EMA over ~1/30 of the run
        smooth, acc = [], 0.0
        for i, v in enumerate(losses):
            acc = v if i == 0 else (1 - alpha) * acc + alpha * v
            smooth.append(acc)
        ax.plot(xs, smooth, lw=1.5, label="smoothed")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("loss")
    ax.set_yscale("log")
    ax.set_title(title)
    ax.legend(loc="upper center")
    if extra is not None and extra[1]:
        label, ex, ey = extra
        ax2 = ax.twinx()
        ax2.plot(ex, ey, "o-", color="tab:green", ms=3, label=label)
        ax2.set_ylabel(label)
        ax2.legend(loc="center right")
    fig.tight_layout()
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def add_common_args(parser, default_checkpoint):
    parser.add_argument("--checkpoint", default=default_checkpoint,
                        help="checkpoint path (.safetensors, or .pt/.pth for PyTorch's format); "
                             "the loss curve goes next to it as *_loss.png")
    parser.add_argument("--resume", action="store_true", help="continue from --checkpoint if it exists")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=0, help="ember.set_num_threads (0: leave the default)")
    parser.add_argument("--quick", action="store_true", help="a few steps on tiny data (for the tests)")


def load_digits():
    """scikit-learn's 8x8 digits (Debian's python3-sklearn): (images float32 [N, 64] in 0..1,
    labels int64 [N]). Falls back to the copy ember's C++ data module reads."""
    import ember

    try:
        from sklearn.datasets import load_digits as sk_load_digits

        d = sk_load_digits()
        x = ember.tensor(d.data.astype("float32"))
        y = ember.tensor(d.target.astype("int64"))
    except ImportError:
        x, y = ember._C._io.read_digits_csv()
    return x / 16.0, y


def evaluate(model, loader):
    """Classification accuracy of `model` over `loader` (eval mode, no grad)."""
    import ember

    model.eval()
    correct = total = 0
    with ember.no_grad():
        for x, y in loader:
            correct += int((model(x).argmax(1) == y).sum().item())
            total += y.size(0)
    model.train()
    return correct / max(total, 1)
