// A small GPT-style transformer that learns 3-digit addition, "123+456=" ->
// "579", with the sum written least-significant digit first ("9750") so each
// digit depends only on digits already seen. The C++ twin of
// examples/python/adder_transformer.py: token + position embeddings,
// nn::TransformerEncoder (pre-norm, gelu, batch_first layers) with a causal
// mask, a final LayerNorm and a Linear head; AdamW with decay / no-decay
// param groups, linear warmup then cosine decay, clip_grad_norm_. Held-out
// (a, b) pairs are never trained on; exact match is measured on them with
// greedy autoregressive decoding. Prints samples as it learns, a progress
// bar, a checkpoint (model + optimizer + scheduler + step) at every
// evaluation, --resume, and the loss curve as a CSV next to the checkpoint.
//
//   adder_transformer [--steps 1000] [--resume] [--checkpoint adder_transformer.safetensors] [--quick]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <ember/ember.h>

#include "example_utils.h"
#include "progress.h"

namespace nn = ember::nn;
using ember::Tensor;

namespace {

constexpr int64_t kPlus = 10, kEq = 11, kVocab = 12;
constexpr int64_t kDigits = 3;
constexpr int64_t kPrompt = 2 * kDigits + 2;  // "123+456="
constexpr int64_t kAnswer = kDigits + 1;      // "9750"
constexpr int64_t kSeq = kPrompt + kAnswer;

int64_t pow10(int64_t n) {
  int64_t p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

/// [B] ints -> [B, n] digits, most significant first.
Tensor digits(const Tensor& v, int64_t n) {
  ember::tensor_list cols;
  for (int64_t i = 0; i < n; ++i) cols.push_back(ember::remainder(ember::div(v, pow10(n - 1 - i), "floor"), 10));
  return ember::stack(cols, 1);
}

/// Token sequences [B, kSeq] for a + b: a's digits, '+', b's digits, '=', the sum's digits reversed.
Tensor encode(const Tensor& a, const Tensor& b) {
  const int64_t B = a.size(0);
  auto plus = ember::full({B, 1}, kPlus, ember::kLong), eq = ember::full({B, 1}, kEq, ember::kLong);
  return ember::cat({digits(a, kDigits), plus, digits(b, kDigits), eq, digits(a + b, kAnswer).flip({1})}, 1);
}

Tensor causal_mask(int64_t n) {
  return ember::triu(ember::full({n, n}, -std::numeric_limits<float>::infinity()), 1);
}

struct GPTImpl : nn::Module {
  GPTImpl(int64_t d_model, int64_t nhead, int64_t num_layers, int64_t dim_ff)
      : nn::Module("GPT"),
        tok(register_module("tok", nn::Embedding(kVocab, d_model))),
        pos(register_module("pos", nn::Embedding(kSeq, d_model))),
        blocks(register_module(
            "blocks", nn::TransformerEncoder(nn::TransformerEncoderLayer(nn::TransformerEncoderLayerOptions(d_model, nhead)
                                                                             .dim_feedforward(dim_ff)
                                                                             .dropout(0.0)
                                                                             .activation("gelu")
                                                                             .batch_first(true)
                                                                             .norm_first(true)),
                                             num_layers))),
        ln_f(register_module("ln_f", nn::LayerNorm(nn::LayerNormOptions({d_model})))),
        head(register_module("head", nn::Linear(d_model, kVocab))) {}
  /// idx [B, n] -> logits [B, n, kVocab].
  Tensor forward(const Tensor& idx) {
    const int64_t n = idx.size(1);
    auto h = tok(idx) + pos(ember::arange(n));
    h = blocks(h, causal_mask(n));
    return head(ln_f(h));
  }
  nn::Embedding tok, pos;
  nn::TransformerEncoder blocks;
  nn::LayerNorm ln_f;
  nn::Linear head;
};
EMBER_MODULE(GPT);

/// Cross-entropy of the answer digits only: positions kPrompt-1 .. kSeq-2 predict tokens kPrompt .. kSeq-1.
Tensor loss_fn(GPT& model, const Tensor& seqs) {
  auto logits = model(seqs.narrow(1, 0, kSeq - 1));
  auto pred = logits.narrow(1, kPrompt - 1, kAnswer).reshape({-1, kVocab});
  return ember::cross_entropy(pred, seqs.narrow(1, kPrompt, kAnswer).reshape({-1}));
}

/// Greedy decoding of kAnswer tokens after `prompts` [B, kPrompt]; returns them [B, kAnswer].
Tensor generate(GPT& model, const Tensor& prompts) {
  ember::NoGradGuard no_grad;
  Tensor seq = prompts;
  for (int64_t i = 0; i < kAnswer; ++i) {
    auto logits = model(seq);
    auto next = logits.select(1, logits.size(1) - 1).argmax(-1, /*keepdim=*/true);
    seq = ember::cat({seq, next}, 1);
  }
  return seq.narrow(1, kPrompt, kAnswer);
}

/// Held-out exact match: every answer digit right.
double evaluate(GPT& model, const Tensor& a, const Tensor& b, int64_t batch = 1000) {
  model->eval();
  int64_t correct = 0, n = a.size(0);
  for (int64_t s = 0; s < n; s += batch) {
    int64_t k = std::min(batch, n - s);
    auto seqs = encode(a.narrow(0, s, k), b.narrow(0, s, k));
    auto out = generate(model, seqs.narrow(1, 0, kPrompt));
    correct += (out == seqs.narrow(1, kPrompt, kAnswer)).all(1).sum().item<int64_t>();
  }
  model->train();
  return double(correct) / double(n);
}

/// "a+b=got" for k held-out pairs, with "(x, want)" after a wrong answer.
std::string show_samples(GPT& model, const Tensor& a, const Tensor& b, int64_t k = 4) {
  k = std::min(k, a.size(0));
  auto seqs = encode(a.narrow(0, 0, k), b.narrow(0, 0, k));
  model->eval();
  Tensor out = generate(model, seqs.narrow(1, 0, kPrompt)).contiguous();
  model->train();
  const int64_t* d = out.data_ptr<int64_t>();
  std::string s;
  for (int64_t i = 0; i < k; ++i) {
    int64_t got = 0;
    for (int64_t j = kAnswer - 1; j >= 0; --j) got = got * 10 + d[i * kAnswer + j];  // digits are reversed
    int64_t x = a[i].item<int64_t>(), y = b[i].item<int64_t>();
    s += (i ? "   " : "") + std::to_string(x) + "+" + std::to_string(y) + "=" + std::to_string(got);
    if (got != x + y) s += " (x, " + std::to_string(x + y) + ")";
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<int64_t> steps_arg, epochs_arg, eval_every_arg, warmup_arg, test_size_arg;
  int64_t batch_size = 256, d_model = 128, layers = 2, heads = 4;
  double lr = 1e-3;
  examples::CommonArgs common;
  examples::ArgParser parser("adder_transformer",
                             "A small GPT-style transformer that learns 3-digit addition (sum written reversed).");
  parser.option("--steps", &steps_arg, "training steps (default 1000; 20 with --quick)")
      .option("--epochs", &epochs_arg, "alternative to --steps: epochs of --eval-every steps")
      .option("--eval-every", &eval_every_arg, "steps between evaluations/checkpoints (default 250; 10 with --quick)")
      .option("--batch-size", &batch_size, "batch size")
      .option("--lr", &lr, "AdamW peak learning rate")
      .option("--warmup", &warmup_arg, "linear warmup steps (default 100; 5 with --quick)")
      .option("--d-model", &d_model, "model width")
      .option("--layers", &layers, "transformer layers")
      .option("--heads", &heads, "attention heads")
      .option("--test-size", &test_size_arg, "held-out pairs (default 5000; 200 with --quick)");
  examples::add_common_args(parser, common, "adder_transformer.safetensors");
  parser.parse(argc, argv);
  const bool q = common.quick;
  const int64_t eval_every = eval_every_arg.value_or(q ? 10 : 250);
  const int64_t steps = steps_arg ? *steps_arg : epochs_arg ? *epochs_arg * eval_every : (q ? 20 : 1000);
  const int64_t warmup = warmup_arg.value_or(q ? 5 : 100);
  const int64_t test_size = test_size_arg.value_or(q ? 200 : 5000);
  if (q) {
    batch_size = std::min<int64_t>(batch_size, 32);
    d_model = std::min<int64_t>(d_model, 32);
    layers = 1;
  }
  if (common.threads > 0) ember::set_num_threads(common.threads);

  try {
    // all 10^6 (a, b) pairs; the first test_size of a fixed permutation are held out
    ember::manual_seed(uint64_t(common.seed));
    const int64_t n_pairs = pow10(2 * kDigits), base = pow10(kDigits);
    ember::Generator split_gen(1234);
    auto perm = ember::randperm(n_pairs, split_gen);
    auto test_idx = perm.narrow(0, 0, test_size), train_idx = perm.narrow(0, test_size, n_pairs - test_size);
    auto test_a = ember::div(test_idx, base, "floor"), test_b = ember::remainder(test_idx, base);

    GPT model(d_model, heads, layers, 4 * d_model);
    // weight decay on the matrices of the blocks and the head, not on embeddings, biases or norms
    std::vector<Tensor> decay, no_decay;
    for (auto& kv : model->named_parameters()) {
      bool embedding = kv.first.rfind("tok.", 0) == 0 || kv.first.rfind("pos.", 0) == 0;
      (kv.second.dim() >= 2 && !embedding ? decay : no_decay).push_back(kv.second);
    }
    ember::optim::AdamWOptions defaults(lr);
    defaults.betas({0.9, 0.98});
    auto with_decay = [&](double wd) {
      auto o = std::make_unique<ember::optim::AdamWOptions>(defaults);
      o->weight_decay(wd);
      return o;
    };
    std::vector<ember::optim::OptimizerParamGroup> groups;
    groups.emplace_back(decay, with_decay(0.1));
    groups.emplace_back(no_decay, with_decay(0.0));
    ember::optim::AdamW opt(std::move(groups), defaults);
    // linear warmup from lr/100 over `warmup` steps, then cosine down to lr/100 at `steps`
    const int64_t w = std::max<int64_t>(warmup, 1), t_max = std::max<int64_t>(steps - warmup, 1);
    auto warm = std::make_shared<ember::optim::LinearLR>(opt, 0.01, 1.0, w);
    auto cosine = std::make_shared<ember::optim::CosineAnnealingLR>(opt, t_max, lr * 0.01);
    ember::optim::SequentialLR sched(opt, {warm, cosine}, {w});

    ember::Generator batch_gen;
    int64_t step = 0;
    std::vector<float> losses;
    std::vector<std::pair<int64_t, double>> evals;
    if (common.resume) {
      if (auto extra = examples::load_checkpoint(common.checkpoint, *model, opt, &sched)) {
        step = (*extra)["step"].item<int64_t>();
        losses = examples::to_vector((*extra)["losses"]);
        auto ev = examples::to_vector((*extra)["evals"]);
        for (size_t i = 0; i + 1 < ev.size(); i += 2) evals.emplace_back(int64_t(ev[i]), ev[i + 1]);
        std::printf("resumed from %s at step %lld\n", common.checkpoint.c_str(), (long long)step);
      }
    }

    int64_t n_params = 0;
    for (auto& p : model->parameters()) n_params += p.numel();
    std::printf(
        "adder transformer: %lld-digit a+b, %lld layers, d_model %lld, %lld parameters; %lld train pairs, %lld held "
        "out\n",
        (long long)kDigits, (long long)layers, (long long)d_model, (long long)n_params,
        (long long)train_idx.size(0), (long long)test_size);
    auto t0 = std::chrono::steady_clock::now();
    double acc = evals.empty() ? 0.0 : evals.back().second;
    while (step < steps) {
      const int64_t chunk = std::min(eval_every - step % eval_every, steps - step);
      const int64_t epoch = step / eval_every;
      Progress bar("steps " + std::to_string(step + 1) + "-" + std::to_string(step + chunk) + "/" +
                       std::to_string(steps),
                   chunk);
      double running = 0, v = 0;
      for (int64_t i = 0; i < chunk; ++i) {
        batch_gen.manual_seed(uint64_t(common.seed) * 1000003 + uint64_t(step));  // batch k is the same, resumed or not
        auto pick = train_idx.index_select(0, ember::randint(0, train_idx.size(0), {batch_size}, batch_gen));
        auto seqs = encode(ember::div(pick, base, "floor"), ember::remainder(pick, base));
        opt.zero_grad();
        auto loss = loss_fn(model, seqs);
        loss.backward();
        ember::optim::clip_grad_norm_(model->parameters(), 1.0);
        opt.step();
        sched.step();
        ++step;
        v = loss.item<double>();
        losses.push_back(float(v));
        running = i == 0 ? v : 0.9 * running + 0.1 * v;
        char lr_text[32];
        std::snprintf(lr_text, sizeof lr_text, "lr %.2e", opt.param_groups()[0].options().get_lr());
        bar.update(i + 1, running, batch_size, lr_text);
      }
      acc = evaluate(model, test_a, test_b);
      evals.emplace_back(step, acc);
      char line[64];
      std::snprintf(line, sizeof line, "held-out exact match %.2f%%", 100 * acc);
      bar.finish(line);
      const int64_t off = epoch * 4 % test_size;
      std::printf("  samples: %s\n", show_samples(model, test_a.narrow(0, off, test_size - off),
                                                  test_b.narrow(0, off, test_size - off))
                                         .c_str());
      std::vector<float> ev;
      for (auto& e : evals) ev.insert(ev.end(), {float(e.first), float(e.second)});
      nn::NamedTensors extra;
      extra.insert("step", examples::scalar(step));
      extra.insert("epoch", examples::scalar(epoch + 1));
      extra.insert("losses", ember::tensor(losses));
      extra.insert("evals", ember::tensor(ev).view({-1, 2}));  // (step, exact match) rows
      extra.insert("args.d_model", examples::scalar(d_model));
      extra.insert("args.layers", examples::scalar(layers));
      extra.insert("args.heads", examples::scalar(heads));
      examples::save_checkpoint(common.checkpoint, *model, opt, &sched, extra);
      examples::save_loss_curve(losses, examples::loss_curve_path(common.checkpoint));
      if (!std::isfinite(v)) {
        std::cerr << "adder_transformer: the loss diverged\n";
        return 1;
      }
    }

    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("held-out exact match: %.2f%% (%lld pairs); %.1f s; checkpoint: %s; loss curve: %s\n", 100 * acc,
                (long long)test_size, secs, common.checkpoint.c_str(),
                examples::loss_curve_path(common.checkpoint).c_str());
    return 0;
  } catch (const ember::Error& e) {
    std::cerr << "adder_transformer: " << e.what() << "\n";
    return 1;
  }
}
