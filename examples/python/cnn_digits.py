#!/usr/bin/env python3
"""A LeNet-style CNN on the 8x8 digits of Debian's python3-sklearn (or on
MNIST IDX files you point it at), mirroring examples/cpp/cnn_digits.cpp: a
progress bar, a checkpoint (model + optimizer + epoch) after every epoch,
--resume, and a loss-curve PNG next to the checkpoint. ~98-99% on digits.

    python3 examples/python/cnn_digits.py [--epochs 30] [--resume] [--checkpoint cnn_digits.safetensors]
        [--mnist-images train-images-idx3-ubyte --mnist-labels train-labels-idx1-ubyte]
"""
import argparse
import os
import time

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember._C._io import read_idx
from ember.utils.data import DataLoader, TensorDataset, random_split

from example_utils import Progress, add_common_args, evaluate, load_digits, loss_curve_path, save_loss_curve


class LeNet(nn.Module):
    """conv(1->16, 3x3) -> relu -> pool -> conv(16->32, 3x3) -> relu -> pool -> fc -> fc (as the C++ example)."""

    def __init__(self, side):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * (side // 4) * (side // 4), 64)
        self.fc2 = nn.Linear(64, 10)
        self.drop = nn.Dropout(0.3)  # no parameters: the state_dict keys match the C++ LeNet's

    def forward(self, x):
        h = F.max_pool2d(F.relu(self.conv1(x)), 2)
        h = F.max_pool2d(F.relu(self.conv2(h)), 2)
        return self.fc2(self.drop(F.relu(self.fc1(h.flatten(1)))))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=None, help="default 30 (2 with --quick)")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--workers", type=int, default=1, help="DataLoader num_workers (background threads)")
    p.add_argument("--mnist-images", help="IDX images file (e.g. train-images-idx3-ubyte)")
    p.add_argument("--mnist-labels", help="IDX labels file (e.g. train-labels-idx1-ubyte)")
    add_common_args(p, "cnn_digits.safetensors")
    args = p.parse_args()
    if args.epochs is None:
        args.epochs = 2 if args.quick else 30
    if bool(args.mnist_images) != bool(args.mnist_labels):
        p.error("--mnist-images and --mnist-labels go together")
    if args.threads:
        ember.set_num_threads(args.threads)

    ember.manual_seed(args.seed)
    if args.mnist_images:
        images = read_idx(args.mnist_images).to(ember.float32) / 255.0  # [N, H, W]
        labels = read_idx(args.mnist_labels).to(ember.int64)
        if images.dim() != 3 or labels.dim() != 1 or images.size(0) != labels.size(0):
            raise SystemExit("cnn_digits: expected images [N, H, W] and labels [N], got %s and %s"
                             % (list(images.shape), list(labels.shape)))
        source = "MNIST IDX %s" % os.path.basename(args.mnist_images)
    else:
        x, labels = load_digits()
        images = x.view(-1, 8, 8)
        source = "digits"
    side = images.size(1)
    data = TensorDataset(images.unsqueeze(1), labels)  # [N, 1, H, W]
    if args.quick and len(data) > 256:
        data = random_split(data, [256, len(data) - 256], generator=ember.Generator().manual_seed(1))[0]
    n_test = len(data) // 5
    train, test = random_split(data, [len(data) - n_test, n_test], generator=ember.Generator().manual_seed(args.seed))
    shuffle_gen = ember.Generator()
    train_loader = DataLoader(train, batch_size=args.batch_size, shuffle=True, generator=shuffle_gen,
                              num_workers=args.workers)
    test_loader = DataLoader(test, batch_size=512)

    model = LeNet(side)
    opt = ember.optim.Adam(model.parameters(), lr=args.lr)
    sched = ember.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(args.epochs, 1))
    start, losses, accs = 0, [], []
    if args.resume and os.path.exists(args.checkpoint):
        ck = ember.load(args.checkpoint)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["optim"])
        sched.load_state_dict(ck["sched"])
        start, losses, accs = ck["epoch"], ck["losses"].tolist(), list(ck["test_acc"])
        print("resumed from %s at epoch %d" % (args.checkpoint, start))

    print("LeNet on %s (%dx%d): %d train / %d test samples, %d parameters" % (
        source, side, side, len(train), len(test), sum(p.numel() for p in model.parameters())))
    t0 = time.perf_counter()
    for epoch in range(start, args.epochs):
        shuffle_gen.manual_seed(args.seed * 1000 + epoch)
        bar = Progress("epoch %d/%d" % (epoch + 1, args.epochs), len(train_loader))
        running = None
        for i, (xb, yb) in enumerate(train_loader):
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            v = loss.item()
            losses.append(v)
            running = v if running is None else 0.9 * running + 0.1 * v
            bar.update(i + 1, running, xb.size(0))
        sched.step()
        acc = evaluate(model, test_loader)
        accs.append(acc)
        bar.finish("test acc %.2f%%" % (100 * acc))
        ember.save({"model": model.state_dict(), "optim": opt.state_dict(), "sched": sched.state_dict(),
                    "epoch": epoch + 1, "losses": ember.tensor(losses), "test_acc": accs}, args.checkpoint)
        save_loss_curve(losses, loss_curve_path(args.checkpoint), "cnn_digits (%s)" % source,
                        extra=("test acc", [(k + 1) * len(train_loader) for k in range(len(accs))], accs),
                        final=epoch + 1 == args.epochs)

    acc = evaluate(model, test_loader)
    print("test accuracy: %.2f%% (%d samples); %.1f s; checkpoint: %s; loss curve: %s" % (
        100 * acc, len(test), time.perf_counter() - t0, args.checkpoint, loss_curve_path(args.checkpoint)))


if __name__ == "__main__":
    main()
