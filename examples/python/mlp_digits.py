#!/usr/bin/env python3
"""An MLP on the 8x8 digits of Debian's python3-sklearn (no download), with
ember.nn, ember.optim, ember.utils.data and ember.save/load: a progress bar,
a checkpoint (model + optimizer + epoch) after every epoch, --resume, and a
loss-curve PNG next to the checkpoint. Reaches ~97-98% test accuracy.

    python3 examples/python/mlp_digits.py [--epochs 30] [--resume] [--checkpoint mlp_digits.safetensors]
"""
import argparse
import os
import time

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.utils.data import DataLoader, TensorDataset, random_split

from example_utils import Progress, add_common_args, evaluate, load_digits, loss_curve_path, save_loss_curve


class MLP(nn.Module):
    def __init__(self, hidden=128):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(64, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, 10),
        )

    def forward(self, x):
        return self.net(x)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=None, help="default 30 (2 with --quick)")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--workers", type=int, default=0, help="DataLoader num_workers (background threads)")
    add_common_args(p, "mlp_digits.safetensors")
    args = p.parse_args()
    if args.epochs is None:
        args.epochs = 2 if args.quick else 30
    if args.threads:
        ember.set_num_threads(args.threads)

    ember.manual_seed(args.seed)
    x, y = load_digits()
    data = TensorDataset(x, y)
    if args.quick:
        data = random_split(data, [256, len(data) - 256], generator=ember.Generator().manual_seed(1))[0]
    n_test = len(data) // 5
    train, test = random_split(data, [len(data) - n_test, n_test], generator=ember.Generator().manual_seed(args.seed))
    shuffle_gen = ember.Generator()
    train_loader = DataLoader(train, batch_size=args.batch_size, shuffle=True, generator=shuffle_gen,
                              num_workers=args.workers)
    test_loader = DataLoader(test, batch_size=512)

    model = MLP()
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

    print("MLP on digits: %d train / %d test samples, %d parameters" % (
        len(train), len(test), sum(p.numel() for p in model.parameters())))
    t0 = time.perf_counter()
    for epoch in range(start, args.epochs):
        shuffle_gen.manual_seed(args.seed * 1000 + epoch)  # the same order per epoch, resumed or not
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
        save_loss_curve(losses, loss_curve_path(args.checkpoint), "mlp_digits",
                        extra=("test acc", [(k + 1) * len(train_loader) for k in range(len(accs))], accs),
                        final=epoch + 1 == args.epochs)

    acc = evaluate(model, test_loader)
    print("test accuracy: %.2f%% (%d samples); %.1f s; checkpoint: %s; loss curve: %s" % (
        100 * acc, len(test), time.perf_counter() - t0, args.checkpoint, loss_curve_path(args.checkpoint)))


if __name__ == "__main__":
    main()
