#!/usr/bin/env python3
"""A small GPT-style transformer (token + position embeddings, causal
self-attention blocks from ember.nn.TransformerEncoder with a causal mask,
AdamW, linear warmup then cosine decay) that learns 3-digit addition:
``123+456=`` -> ``579``. The sum is written least-significant digit first
(``9750``), which makes each digit depend only on digits already seen.
Held-out (a, b) pairs are never trained on; exact match is measured on them
with greedy autoregressive decoding. Prints samples as it learns, a progress
bar, checkpoints (model + optimizer + scheduler + step) at every evaluation,
--resume, and a loss-curve PNG next to the checkpoint.

    python3 examples/python/adder_transformer.py [--steps 1000] [--resume] [--checkpoint adder.safetensors]
"""
import argparse
import math
import os
import time

import ember
import ember.nn as nn
import ember.nn.functional as F

from example_utils import Progress, add_common_args, loss_curve_path, save_loss_curve

PLUS, EQ, VOCAB = 10, 11, 12
N_DIGITS = 3
PROMPT = 2 * N_DIGITS + 2          # "123+456="
ANSWER = N_DIGITS + 1              # "9750"
SEQ = PROMPT + ANSWER


def digits(v, n):
    """[B] ints -> [B, n] digits, most significant first."""
    return ember.stack([(v // 10 ** (n - 1 - i)) % 10 for i in range(n)], 1)


def encode(a, b):
    """Token sequences [B, SEQ] for a + b: a digits, '+', b digits, '=', reversed sum digits."""
    B = a.size(0)
    plus = ember.full((B, 1), PLUS, dtype=ember.int64)
    eq = ember.full((B, 1), EQ, dtype=ember.int64)
    s = digits(a + b, ANSWER).flip(1)
    return ember.cat([digits(a, N_DIGITS), plus, digits(b, N_DIGITS), eq, s], 1)


def causal_mask(n):
    return ember.triu(ember.full((n, n), float("-inf")), diagonal=1)


class GPT(nn.Module):
    def __init__(self, d_model=128, nhead=4, num_layers=2, dim_ff=512, dropout=0.0):
        super().__init__()
        self.tok = nn.Embedding(VOCAB, d_model)
        self.pos = nn.Embedding(SEQ, d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_ff, dropout=dropout, activation="gelu",
                                           batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, num_layers)
        self.ln_f = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, VOCAB)

    def forward(self, idx):
        n = idx.size(1)
        h = self.tok(idx) + self.pos(ember.arange(n))
        h = self.blocks(h, mask=causal_mask(n))
        return self.head(self.ln_f(h))


def loss_fn(model, seqs):
    logits = model(seqs[:, :-1])
    # only the answer digits are predicted: positions PROMPT-1 .. SEQ-2 predict tokens PROMPT .. SEQ-1
    pred = logits[:, PROMPT - 1:].reshape(-1, VOCAB)
    return F.cross_entropy(pred, seqs[:, PROMPT:].reshape(-1))


@ember.no_grad()
def generate(model, prompts):
    seq = prompts
    for _ in range(ANSWER):
        nxt = model(seq)[:, -1].argmax(-1, keepdim=True)
        seq = ember.cat([seq, nxt], 1)
    return seq[:, PROMPT:]


def decode_answer(row):
    return int("".join(str(d) for d in reversed(row)))


@ember.no_grad()
def evaluate(model, a, b, batch=1000):
    model.eval()
    correct = 0
    for i in range(0, a.size(0), batch):
        seqs = encode(a[i:i + batch], b[i:i + batch])
        out = generate(model, seqs[:, :PROMPT])
        correct += int((out == seqs[:, PROMPT:]).all(1).sum().item())
    model.train()
    return correct / a.size(0)


def show_samples(model, a, b, k=4):
    seqs = encode(a[:k], b[:k])
    out = generate(model, seqs[:, :PROMPT]).tolist()
    s = []
    for i in range(k):
        got, want = decode_answer(out[i]), int(a[i].item()) + int(b[i].item())
        s.append("%d+%d=%d%s" % (int(a[i].item()), int(b[i].item()), got, "" if got == want else " (x, %d)" % want))
    return "   ".join(s)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=None, help="training steps (default 1000; 20 with --quick)")
    p.add_argument("--epochs", type=int, default=None,
                   help="alternative to --steps: epochs of --eval-every steps")
    p.add_argument("--eval-every", type=int, default=None, help="steps between evaluations/checkpoints (250)")
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--warmup", type=int, default=None, help="linear warmup steps (100)")
    p.add_argument("--d-model", type=int, default=128)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--test-size", type=int, default=None, help="held-out pairs (5000)")
    add_common_args(p, "adder_transformer.safetensors")
    args = p.parse_args()
    q = args.quick
    args.eval_every = args.eval_every or (10 if q else 250)
    if args.steps is None:
        args.steps = args.epochs * args.eval_every if args.epochs else (20 if q else 1000)
    args.warmup = args.warmup if args.warmup is not None else (5 if q else 100)
    args.test_size = args.test_size or (200 if q else 5000)
    if q:
        args.batch_size = min(args.batch_size, 32)
        args.d_model, args.layers = min(args.d_model, 32), 1
    if args.threads:
        ember.set_num_threads(args.threads)

    # all 10^6 (a, b) pairs; the first test_size of a fixed permutation are held out
    ember.manual_seed(args.seed)
    n_pairs = 10 ** (2 * N_DIGITS)
    perm = ember.randperm(n_pairs, generator=ember.Generator().manual_seed(1234))
    test_idx, train_idx = perm[:args.test_size], perm[args.test_size:]
    base = 10 ** N_DIGITS
    test_a, test_b = test_idx // base, test_idx % base

    model = GPT(args.d_model, args.heads, args.layers, 4 * args.d_model)
    decay = [p_ for n_, p_ in model.named_parameters() if p_.dim() >= 2 and "pos" not in n_ and "tok" not in n_]
    no_decay = [p_ for n_, p_ in model.named_parameters() if not (p_.dim() >= 2 and "pos" not in n_ and "tok" not in n_)]
    opt = ember.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.98))
    sched = ember.optim.lr_scheduler.SequentialLR(opt, [
        ember.optim.lr_scheduler.LinearLR(opt, start_factor=0.01, total_iters=max(args.warmup, 1)),
        ember.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(args.steps - args.warmup, 1), eta_min=args.lr * 0.01),
    ], milestones=[max(args.warmup, 1)])
    batch_gen = ember.Generator()
    step, losses, evals = 0, [], []
    if args.resume and os.path.exists(args.checkpoint):
        ck = ember.load(args.checkpoint)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["optim"])
        sched.load_state_dict(ck["sched"])
        step, losses, evals = ck["step"], ck["losses"].tolist(), [tuple(e) for e in ck["evals"]]
        print("resumed from %s at step %d" % (args.checkpoint, step))

    n_params = sum(p_.numel() for p_ in model.parameters())
    print("adder transformer: %d-digit a+b, %d layers, d_model %d, %d parameters; %d train pairs, %d held out"
          % (N_DIGITS, args.layers, args.d_model, n_params, train_idx.size(0), test_idx.size(0)))
    t0 = time.perf_counter()
    acc = evals[-1][1] if evals else 0.0
    while step < args.steps:
        chunk = min(args.eval_every - step % args.eval_every, args.steps - step)
        epoch = step // args.eval_every
        bar = Progress("steps %d-%d/%d" % (step + 1, step + chunk, args.steps), chunk)
        running = None
        for i in range(chunk):
            batch_gen.manual_seed(args.seed * 1_000_003 + step)  # batch k is the same, resumed or not
            pick = train_idx[ember.randint(0, train_idx.size(0), (args.batch_size,), generator=batch_gen)]
            seqs = encode(pick // base, pick % base)
            opt.zero_grad()
            loss = loss_fn(model, seqs)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            v = loss.item()
            losses.append(v)
            running = v if running is None else 0.9 * running + 0.1 * v
            bar.update(i + 1, running, args.batch_size, "lr %.2e" % opt.param_groups[0]["lr"])
        acc = evaluate(model, test_a, test_b)
        evals.append((step, acc))
        bar.finish("held-out exact match %.2f%%" % (100 * acc))
        print("  samples: " + show_samples(model, test_a[epoch * 4 % args.test_size:], test_b[epoch * 4 % args.test_size:]))
        ember.save({"model": model.state_dict(), "optim": opt.state_dict(), "sched": sched.state_dict(),
                    "step": step, "epoch": epoch + 1, "losses": ember.tensor(losses), "evals": evals,
                    "args": {"d_model": args.d_model, "layers": args.layers, "heads": args.heads}},
                   args.checkpoint)
        save_loss_curve(losses, loss_curve_path(args.checkpoint), "adder_transformer (answer-token CE)",
                        extra=("held-out exact match", [e[0] for e in evals], [e[1] for e in evals]),
                        final=step >= args.steps)
        if not math.isfinite(v):
            raise SystemExit("adder_transformer: the loss diverged")

    print("held-out exact match: %.2f%% (%d pairs); %.1f s; checkpoint: %s; loss curve: %s" % (
        100 * acc, test_idx.size(0), time.perf_counter() - t0, args.checkpoint, loss_curve_path(args.checkpoint)))


if __name__ == "__main__":
    main()
