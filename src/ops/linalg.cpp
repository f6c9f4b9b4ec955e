// Linear algebra front ends: mm, bmm, addmm and baddbmm run the gemm kernel
// and carry their own backward; matmul, dot, outer, einsum and linear are
// compositions of those and of views, so autograd comes with them.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "ops/ops_common.h"

namespace ember {

namespace {

using autograd::GradMask;
using autograd::SavedTensor;

void check_same_dtype(const char* op, const Tensor& a, const Tensor& b) {
  EMBER_CHECK(a.dtype() == b.dtype(), op, ": expected both operands to have the same dtype, got ", a.dtype(),
              " and ", b.dtype());
}

void check_gemm_dtype(const char* op, const Tensor& a) {
  EMBER_CHECK(a.dtype() != kBool, op, ": bool tensors are not supported (use an integer or float dtype)");
}

void check_dims(const char* op, const Tensor& a, const Tensor& b, int64_t nd, const char* what) {
  EMBER_CHECK(a.dim() == nd && b.dim() == nd, op, ": expected ", what, ", got shapes ", a.sizes(), " and ",
              b.sizes());
}

void check_contraction(const char* op, const Tensor& a, const Tensor& b) {
  EMBER_CHECK(a.size(-1) == b.size(-2), op, ": shapes ", a.sizes(), " and ", b.sizes(),
              " cannot be multiplied (", a.size(-1), " != ", b.size(-2),
              ": dim -1 of the first must equal dim -2 of the second)");
}

// out = beta * out + alpha * a @ b (+ bias on every row, beta 0) on 3-D
// batches or 2-D matrices (the kernel reads no autograd state, so operands
// need no detached view).
void run_gemm(const Tensor& out, const Tensor& a, const Tensor& b, double beta, double alpha,
              const Tensor& bias = Tensor()) {
  detail::kernel<GemmFn>(OpId::gemm, out.device())(out, a, b, beta, alpha, bias);
}

// Saves t only when the formula that reads it will run.
SavedTensor save_if(bool needed, const Tensor& t) { return needed ? autograd::save(t) : SavedTensor(); }

Tensor mT(const Tensor& t) { return transpose(t, -2, -1); }

// A matrix (or batch of matrices) stored column-major: the t() of a
// contiguous one, as a Linear layer's weight.t().
bool column_major(const Tensor& t) {
  return t.size(-2) > 1 && t.size(-1) > 1 && t.stride(-2) == 1 && t.stride(-1) == t.size(-2);
}

// Gradients of out = a @ b (prod: mm or bmm). Each takes its operand's
// layout, as torch's mm_mat2_backward: a column-major operand gets
// (b @ grad^T)^T, so the transpose view's backward hands a contiguous
// gradient to the leaf and no transposed copy is made.
template <typename Prod>
Tensor grad_mat1(const Tensor& grad, const Tensor& b, bool a_column_major, Prod prod) {
  return a_column_major ? mT(prod(b, mT(grad))) : prod(grad, mT(b));
}
template <typename Prod>
Tensor grad_mat2(const Tensor& grad, const Tensor& a, bool b_column_major, Prod prod) {
  return b_column_major ? mT(prod(mT(grad), a)) : prod(mT(a), grad);
}

}  // namespace

// ------------------------------------------------------------------ mm, bmm

Tensor mm(const Tensor& input, const Tensor& mat2) {
  detail::check_defined(input, "mm");
  detail::check_defined(mat2, "mm");
  check_dims("mm", input, mat2, 2, "2-D tensors");
  detail::check_same_device("mm", {&input, &mat2});
  check_same_dtype("mm", input, mat2);
  check_gemm_dtype("mm", input);
  check_contraction("mm", input, mat2);
  Tensor out = detail::make_tensor({input.size(0), mat2.size(1)}, input.dtype(), input.device());
  run_gemm(out, input, mat2, 0, 1);
  // grad: [M, N]  input: [M, K]  mat2: [K, N]
  return autograd::record("mm", {input, mat2}, out,
                          [a = save_if(mat2.requires_grad(), input), b = save_if(input.requires_grad(), mat2),
                           a_cm = column_major(input), b_cm = column_major(mat2)](const Tensor& grad,
                                                                                const GradMask& needs) {
                            auto prod = [](const Tensor& x, const Tensor& y) { return mm(x, y); };
                            return tensor_list{needs[0] ? grad_mat1(grad, b.get(), a_cm, prod) : Tensor(),
                                               needs[1] ? grad_mat2(grad, a.get(), b_cm, prod) : Tensor()};
                          });
}

Tensor bmm(const Tensor& input, const Tensor& mat2) {
  detail::check_defined(input, "bmm");
  detail::check_defined(mat2, "bmm");
  check_dims("bmm", input, mat2, 3, "3-D tensors");
  detail::check_same_device("bmm", {&input, &mat2});
  check_same_dtype("bmm", input, mat2);
  check_gemm_dtype("bmm", input);
  EMBER_CHECK(input.size(0) == mat2.size(0), "bmm: expected both operands to have the same batch size, got shapes ",
              input.sizes(), " and ", mat2.sizes());
  check_contraction("bmm", input, mat2);
  Tensor out = detail::make_tensor({input.size(0), input.size(1), mat2.size(2)}, input.dtype(), input.device());
  run_gemm(out, input, mat2, 0, 1);
  // grad: [B, M, N]  input: [B, M, K]  mat2: [B, K, N]
  return autograd::record("bmm", {input, mat2}, out,
                          [a = save_if(mat2.requires_grad(), input), b = save_if(input.requires_grad(), mat2),
                           a_cm = column_major(input), b_cm = column_major(mat2)](const Tensor& grad,
                                                                                const GradMask& needs) {
                            auto prod = [](const Tensor& x, const Tensor& y) { return bmm(x, y); };
                            return tensor_list{needs[0] ? grad_mat1(grad, b.get(), a_cm, prod) : Tensor(),
                                               needs[1] ? grad_mat2(grad, a.get(), b_cm, prod) : Tensor()};
                          });
}

// ------------------------------------------------------------ addmm, baddbmm

namespace {

// Shared by addmm and baddbmm: out = beta * input + alpha * (m1 @ m2), with
// input broadcast to the product's shape.
Tensor add_gemm(const char* op, const Tensor& input, const Tensor& m1, const Tensor& m2, const Scalar& beta_s,
                const Scalar& alpha_s, bool batched) {
  detail::check_defined(input, op);
  detail::check_defined(m1, op);
  detail::check_defined(m2, op);
  int64_t nd = batched ? 3 : 2;
  check_dims(op, m1, m2, nd, batched ? "3-D batch1 and batch2" : "2-D mat1 and mat2");
  detail::check_same_device(op, {&input, &m1, &m2});
  check_same_dtype(op, m1, m2);
  check_same_dtype(op, input, m1);
  check_gemm_dtype(op, m1);
  if (batched) {
    EMBER_CHECK(m1.size(0) == m2.size(0), op,
                ": expected both operands to have the same batch size, got shapes ", m1.sizes(), " and ",
                m2.sizes());
  }
  check_contraction(op, m1, m2);
  Shape out_shape;
  if (batched) out_shape.push_back(m1.size(0));
  out_shape.push_back(m1.size(-2));
  out_shape.push_back(m2.size(-1));
  double beta = beta_s.to<double>(), alpha = alpha_s.to<double>();
  Tensor out = detail::make_tensor(out_shape, m1.dtype(), m1.device());
  if (beta != 0) {
    Tensor in_b;
    try {
      in_b = input.detach().expand(out_shape);
    } catch (const Error&) {
      throw RuntimeError(detail::str(op, ": input of shape ", input.sizes(), " cannot be broadcast to the product's shape ",
                                     IntArrayRef(out_shape), " (from ", m1.sizes(), " and ", m2.sizes(), ")"));
    }
    NoGradGuard ng;
    out.copy_(in_b);
  } else {
    EMBER_CHECK(IntArrayRef(broadcast_shapes(input.sizes(), out_shape)).equals(out_shape), op, ": input of shape ",
                input.sizes(), " cannot be broadcast to the product's shape ", IntArrayRef(out_shape));
  }
  run_gemm(out, m1, m2, beta, alpha);
  // grad: out's shape; the engine sums grad_input back to input's shape.
  return autograd::record(
      op, {input, m1, m2}, out,
      [a = save_if(m2.requires_grad(), m1), b = save_if(m1.requires_grad(), m2), beta, alpha, batched,
       a_cm = column_major(m1), b_cm = column_major(m2)](const Tensor& grad, const GradMask& needs) {
        auto scale = [](const Tensor& t, double s) { return s == 1 ? t : t * s; };
        auto prod = [batched](const Tensor& x, const Tensor& y) { return batched ? bmm(x, y) : mm(x, y); };
        return tensor_list{needs[0] ? scale(grad, beta) : Tensor(),
                           needs[1] ? scale(grad_mat1(grad, b.get(), a_cm, prod), alpha) : Tensor(),
                           needs[2] ? scale(grad_mat2(grad, a.get(), b_cm, prod), alpha) : Tensor()};
      });
}

}  // namespace

Tensor addmm(const Tensor& input, const Tensor& mat1, const Tensor& mat2, const Scalar& beta, const Scalar& alpha) {
  return add_gemm("addmm", input, mat1, mat2, beta, alpha, false);
}

Tensor baddbmm(const Tensor& input, const Tensor& batch1, const Tensor& batch2, const Scalar& beta,
               const Scalar& alpha) {
  return add_gemm("baddbmm", input, batch1, batch2, beta, alpha, true);
}

// ---------------------------------------------------------------- matmul

Tensor matmul(const Tensor& input, const Tensor& other) {
  detail::check_defined(input, "matmul");
  detail::check_defined(other, "matmul");
  const int64_t da = input.dim(), db = other.dim();
  EMBER_CHECK(da >= 1 && db >= 1, "matmul: both arguments need to be at least 1-D, got shapes ", input.sizes(),
              " and ", other.sizes());
  detail::check_same_device("matmul", {&input, &other});
  check_same_dtype("matmul", input, other);
  check_gemm_dtype("matmul", input);
  const int64_t ka = input.size(-1), kb = db == 1 ? other.size(0) : other.size(-2);
  EMBER_CHECK(ka == kb, "matmul: shapes ", input.sizes(), " and ", other.sizes(), " cannot be multiplied (", ka,
              " != ", kb, ": dim -1 of the first must equal dim ", db == 1 ? "0" : "-2", " of the second)");

  if (da == 1 && db == 1) return mm(input.unsqueeze(0), other.unsqueeze(1)).reshape({});
  if (da == 2 && db == 1) return mm(input, other.unsqueeze(1)).squeeze(1);
  if (da == 1 && db == 2) return mm(input.unsqueeze(0), other).squeeze(0);
  if (da == 2 && db == 2) return mm(input, other);
  if (da >= 3 && db <= 2) {
    // Fold input's batch dims into its rows: one big mm, no broadcast copy.
    Shape out_shape(input.sizes());
    out_shape.pop_back();
    int64_t rows = 1;
    for (int64_t s : out_shape) rows *= s;
    if (db == 2) out_shape.push_back(other.size(1));
    Tensor b2 = db == 1 ? other.unsqueeze(1) : other;
    return mm(input.reshape({rows, ka}), b2).reshape(out_shape);
  }
  // Batched: broadcast the batch dims, then one bmm.
  Shape batch_a, batch_b;
  for (int64_t i = 0; i + 2 < da; ++i) batch_a.push_back(input.size(i));
  for (int64_t i = 0; i + 2 < db; ++i) batch_b.push_back(other.size(i));
  Shape batch;
  try {
    batch = broadcast_shapes(batch_a, batch_b);
  } catch (const Error&) {
    throw RuntimeError(detail::str("matmul: batch dims ", IntArrayRef(batch_a), " and ", IntArrayRef(batch_b),
                                   " of shapes ", input.sizes(), " and ", other.sizes(), " are not broadcastable"));
  }
  int64_t nbatch = 1;
  for (int64_t s : batch) nbatch *= s;
  const int64_t n = da >= 2 ? input.size(-2) : 1;
  const int64_t p = db >= 2 ? other.size(-1) : 1;
  Shape ea(batch), eb(batch);
  ea.push_back(n), ea.push_back(ka);
  eb.push_back(ka), eb.push_back(p);
  Tensor a3 = (da == 1 ? input.unsqueeze(0) : input).expand(ea).reshape({nbatch, n, ka});
  Tensor b3 = (db == 1 ? other.unsqueeze(1) : other).expand(eb).reshape({nbatch, ka, p});
  Shape out_shape(batch);
  if (da > 1) out_shape.push_back(n);
  if (db > 1) out_shape.push_back(p);
  return bmm(a3, b3).reshape(out_shape);
}

// ------------------------------------------------------- dot, outer, linear

Tensor dot(const Tensor& input, const Tensor& other) {
  detail::check_defined(input, "dot");
  detail::check_defined(other, "dot");
  check_dims("dot", input, other, 1, "1-D tensors");
  detail::check_same_device("dot", {&input, &other});
  check_same_dtype("dot", input, other);
  EMBER_CHECK(input.size(0) == other.size(0), "dot: shapes ", input.sizes(), " and ", other.sizes(),
              " cannot be multiplied (", input.size(0), " != ", other.size(0), ")");
  return mm(input.unsqueeze(0), other.unsqueeze(1)).reshape({});
}

Tensor outer(const Tensor& input, const Tensor& vec2) {
  detail::check_defined(input, "outer");
  detail::check_defined(vec2, "outer");
  check_dims("outer", input, vec2, 1, "1-D tensors");
  return mul(input.unsqueeze(1), vec2.unsqueeze(0));
}

Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias) {
  detail::check_defined(input, "linear");
  detail::check_defined(weight, "linear");
  EMBER_CHECK(weight.dim() == 1 || weight.dim() == 2, "linear: weight must be 1-D or 2-D, got shape ",
              weight.sizes());
  EMBER_CHECK(input.dim() >= 1, "linear: input must be at least 1-D, got shape ", input.sizes());
  EMBER_CHECK(input.size(-1) == weight.size(-1), "linear: input has ", input.size(-1), " features (shape ",
              input.sizes(), ") but weight has ", weight.size(-1), " in_features (shape ", weight.sizes(), ")");
  // input: [*, in]  weight: [out, in]  bias: [out]
  EMBER_CHECK(weight.dim() == 2 || !bias.defined(), "linear: with a bias, weight must be a matrix [out, in], got "
              "1-D weight of shape ", weight.sizes());
  if (bias.defined() && bias.dim() == 1 && weight.dim() == 2)
    EMBER_CHECK(bias.size(0) == weight.size(0) || bias.size(0) == 1, "linear: bias of shape ", bias.sizes(),
                " does not match the weight's ", weight.size(0), " out_features (weight shape ", weight.sizes(), ")");
  const bool one_node = weight.dim() == 2 && input.dim() >= 2 &&
                        (!bias.defined() || (bias.dim() == 1 && bias.size(0) == weight.size(0)));
  if (!one_node) {
    Tensor out = matmul(input, weight.dim() == 2 ? weight.t() : weight);
    if (!bias.defined()) return out;
    // the bias broadcasts to the output, never the output to the bias (torch's addmm)
    const Shape both = broadcast_shapes(out.sizes(), bias.sizes());
    EMBER_CHECK(out.sizes().equals(IntArrayRef(both)),
                "linear: bias of shape ", bias.sizes(), " does not broadcast to the output shape ", out.sizes(),
                " (input ", input.sizes(), ", weight ", weight.sizes(), ")");
    return out + bias;
  }
  // One autograd node for x @ W^T + b over any leading dims: composed of
  // t(), addmm or matmul and add it took three nodes, a transposed gradient
  // and a broadcast-sum per layer and step.
  if (bias.defined()) {
    detail::check_same_device("linear", {&input, &weight, &bias});
    EMBER_CHECK(input.dtype() == weight.dtype() && input.dtype() == bias.dtype(),
                "linear: expected input, weight and bias of one dtype, got ", input.dtype(), ", ", weight.dtype(),
                " and ", bias.dtype());
  } else {
    detail::check_same_device("linear", {&input, &weight});
    check_same_dtype("linear", input, weight);
  }
  check_gemm_dtype("linear", input);
  const int64_t K = weight.size(1), N = weight.size(0);
  // rows: the product of the leading dims, spelled out (reshape's -1 is
  // ambiguous when K or N is 0)
  int64_t M = 1;
  for (int64_t d = 0; d + 1 < input.dim(); ++d) M *= input.size(d);
  Tensor x2;
  {
    NoGradGuard ng;
    x2 = input.dim() == 2 ? input : input.detach().reshape({M, K});
  }
  Shape out_shape(input.sizes());
  out_shape.back() = N;
  Tensor out = detail::make_tensor(out_shape, input.dtype(), input.device());
  Tensor out2 = input.dim() == 2 ? out : detail::make_view(out, {M, N}, {N, 1}, 0);
  // The bias is added in the GEMM's epilogue: copying it into out first
  // would be one more pass over the output.
  Tensor b;
  if (bias.defined()) {
    NoGradGuard ng;
    b = bias.contiguous();
  }
  const Tensor wt = detail::make_view(weight, {K, N}, {weight.stride(1), weight.stride(0)}, weight.storage_offset());
  run_gemm(out2, x2, wt, 0.0, 1.0, b);
  // The originals are saved (not x2) so a create_graph backward reaches them.
  return autograd::record(
      "linear", {input, weight, bias}, out,
      [x = save_if(weight.requires_grad(), input), w = save_if(input.requires_grad(), weight), K, N,
       M, in_shape = Shape(input.sizes())](const Tensor& grad, const GradMask& needs) {
        const Tensor g2 = grad.dim() == 2 ? grad : grad.reshape({M, N});
        Tensor gx, gw, gb;
        if (needs[0]) {
          gx = mm(g2, w.get());
          if (in_shape.size() != 2) gx = gx.reshape(IntArrayRef(in_shape));
        }
        if (needs[1]) {
          const Tensor xv = x.get();
          gw = mm(g2.t(), xv.dim() == 2 ? xv : xv.reshape({M, K}));
        }
        if (needs[2]) gb = g2.sum(0);
        return tensor_list{gx, gw, gb};
      });
}

// ---------------------------------------------------------------- einsum

namespace {

// Labels: 'A'-'Z' -> 0..25, 'a'-'z' -> 26..51; ellipsis dims come after.
constexpr int kLetters = 52;

int label_of(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return 26 + (c - 'a');
  return -1;
}
char char_of(int label) { return label < 26 ? char('A' + label) : char('a' + label - 26); }

struct Term {
  std::vector<int> labels;  // letter labels; -1 marks where "..." sits
  bool has_ellipsis = false;
};

Term parse_term(const std::string& eq, const std::string& s) {
  Term t;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.') {
      EMBER_CHECK_VALUE(s.compare(i, 3, "...") == 0, "einsum: found '.' that is not part of an ellipsis ('...') in \"",
                        eq, "\"");
      EMBER_CHECK_VALUE(!t.has_ellipsis, "einsum: found more than one ellipsis ('...') in one term of \"", eq, "\"");
      t.has_ellipsis = true;
      t.labels.push_back(-1);
      i += 2;
      continue;
    }
    int l = label_of(c);
    EMBER_CHECK_VALUE(l >= 0, "einsum: invalid subscript '", c, "' in \"", eq,
                      "\" (subscripts must be letters in [a-zA-Z])");
    t.labels.push_back(l);
  }
  return t;
}

}  // namespace

Tensor einsum(const std::string& equation, const tensor_list& operands) {
  std::string eq;
  for (char c : equation)
    if (c != ' ') eq.push_back(c);
  EMBER_CHECK(!operands.empty(), "einsum: must provide at least one operand");
  for (const auto& op : operands) detail::check_defined(op, "einsum");

  // ---- parse ----
  size_t arrow = eq.find("->");
  std::string lhs = eq.substr(0, arrow);
  std::vector<Term> terms;
  {
    size_t start = 0;
    while (true) {
      size_t comma = lhs.find(',', start);
      terms.push_back(parse_term(equation, lhs.substr(start, comma == std::string::npos ? std::string::npos
                                                                                         : comma - start)));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  EMBER_CHECK(terms.size() == operands.size(), "einsum: \"", equation, "\" has ", terms.size(),
                    " operand subscripts but ", operands.size(), " operands were given");

  // ---- map each operand's dims to labels (ellipsis dims aligned right) ----
  const size_t nops = operands.size();
  int64_t ell_rank = 0;
  std::vector<std::vector<int>> op_labels(nops);
  for (size_t i = 0; i < nops; ++i) {
    const Term& t = terms[i];
    int64_t nletters = int64_t(t.labels.size()) - (t.has_ellipsis ? 1 : 0);
    int64_t nd = operands[i].dim();
    if (t.has_ellipsis) {
      EMBER_CHECK(nd >= nletters, "einsum: operand ", i, " has ", nd, " dims (shape ", operands[i].sizes(),
                  ") but its subscripts name ", nletters, " besides '...'");
      ell_rank = std::max(ell_rank, nd - nletters);
    } else {
      EMBER_CHECK(nd == nletters, "einsum: operand ", i, " has ", nd, " dims (shape ", operands[i].sizes(),
                  ") but its subscripts name ", nletters);
    }
  }
  for (size_t i = 0; i < nops; ++i) {
    const Term& t = terms[i];
    int64_t e = operands[i].dim() - (int64_t(t.labels.size()) - (t.has_ellipsis ? 1 : 0));
    for (int l : t.labels) {
      if (l >= 0) {
        op_labels[i].push_back(l);
      } else {
        for (int64_t k = 0; k < e; ++k) op_labels[i].push_back(int(kLetters + ell_rank - e + k));
      }
    }
  }
  const int nlabels = int(kLetters + ell_rank);
  std::vector<int> count(nlabels, 0);
  for (size_t i = 0; i < nops; ++i) {
    std::vector<bool> seen(nlabels, false);
    for (int l : op_labels[i]) {
      if (!seen[l]) count[l]++;
      seen[l] = true;
    }
  }
  std::vector<int> letter_total(kLetters, 0);
  for (size_t i = 0; i < nops; ++i)
    for (int l : terms[i].labels)
      if (l >= 0) letter_total[l]++;

  // ---- output labels ----
  std::vector<int> out_labels;
  if (arrow != std::string::npos) {
    Term out = parse_term(equation, eq.substr(arrow + 2));
    std::vector<bool> used(nlabels, false);
    for (int l : out.labels) {
      if (l < 0) {
        for (int64_t k = 0; k < ell_rank; ++k) out_labels.push_back(int(kLetters + k));
        continue;
      }
      EMBER_CHECK_VALUE(letter_total[l] > 0, "einsum: output subscript '", char_of(l),
                        "' does not appear in the inputs of \"", equation, "\"");
      EMBER_CHECK_VALUE(!used[l], "einsum: output subscript '", char_of(l), "' appears more than once in \"",
                        equation, "\"");
      used[l] = true;
      out_labels.push_back(l);
    }
    // Without "..." in an explicit output, ellipsis dims are summed over.
  } else {
    for (int64_t k = 0; k < ell_rank; ++k) out_labels.push_back(int(kLetters + k));
    for (int l = 0; l < kLetters; ++l)
      if (letter_total[l] == 1) out_labels.push_back(l);
  }
  std::vector<bool> is_out(nlabels, false);
  for (int l : out_labels) is_out[l] = true;

  // ---- label sizes (size 1 broadcasts) ----
  std::vector<int64_t> label_size(nlabels, 1);
  for (size_t i = 0; i < nops; ++i) {
    for (size_t d = 0; d < op_labels[i].size(); ++d) {
      int l = op_labels[i][d];
      int64_t s = operands[i].size(int64_t(d));
      if (s == 1) continue;
      EMBER_CHECK(label_size[l] == 1 || label_size[l] == s, "einsum: subscript ",
                  l < kLetters ? std::string("'") + char_of(l) + "'" : std::string("of '...'"), " has size ", s,
                  " in operand ", i, " (shape ", operands[i].sizes(), ") but size ", label_size[l],
                  " elsewhere in \"", equation, "\"");
      label_size[l] = s;
    }
  }

  // ---- bring every operand to the full label order, diagonals taken ----
  // Full order: output labels first, then the contracted ones.
  std::vector<int> order(out_labels);
  for (int l = 0; l < nlabels; ++l)
    if (!is_out[l] && count[l] > 0) order.push_back(l);
  const int64_t rank = int64_t(order.size());
  std::vector<int> pos_of(nlabels, -1);
  for (int64_t p = 0; p < rank; ++p) pos_of[order[p]] = int(p);

  std::vector<Tensor> full(nops);
  for (size_t i = 0; i < nops; ++i) {
    Tensor x = operands[i];
    std::vector<int> labels = op_labels[i];
    // repeated labels on one operand: take the diagonal (appended last)
    for (bool changed = true; changed;) {
      changed = false;
      for (size_t a = 0; a < labels.size() && !changed; ++a) {
        for (size_t b = a + 1; b < labels.size() && !changed; ++b) {
          if (labels[b] != labels[a]) continue;
          EMBER_CHECK(x.size(int64_t(a)) == x.size(int64_t(b)), "einsum: subscript '", char_of(labels[a]),
                      "' is repeated in operand ", i, " but its dims have different sizes (shape ",
                      operands[i].sizes(), ")");
          x = diagonal(x, 0, int64_t(a), int64_t(b));
          int l = labels[a];
          labels.erase(labels.begin() + int64_t(b));
          labels.erase(labels.begin() + int64_t(a));
          labels.push_back(l);
          changed = true;
        }
      }
    }
    // permute into full order, size 1 for missing labels
    std::vector<int64_t> perm;
    Shape shape;
    std::vector<int> have(nlabels, -1);
    for (size_t d = 0; d < labels.size(); ++d) have[labels[d]] = int(d);
    for (int64_t p = 0; p < rank; ++p)
      if (have[order[p]] >= 0) perm.push_back(have[order[p]]);
    x = permute(x, perm);
    int64_t k = 0;
    for (int64_t p = 0; p < rank; ++p) shape.push_back(have[order[p]] >= 0 ? x.size(k++) : 1);
    x = x.reshape(shape);
    full[i] = x;
  }

  // Labels still needed after operand i (by an output or a later operand).
  auto needed_after = [&](size_t i, int64_t p) {
    if (p < int64_t(out_labels.size())) return true;
    for (size_t j = i + 1; j < nops; ++j)
      if (std::find(op_labels[j].begin(), op_labels[j].end(), order[p]) != op_labels[j].end()) return true;
    return false;
  };
  auto sum_dims = [](const Tensor& t, const std::vector<int64_t>& dims) {
    return dims.empty() ? t : sum(t, dims, /*keepdim=*/true);
  };

  // Sum the first operand's private labels, then fold the rest in pairwise.
  Tensor acc;
  {
    std::vector<int64_t> dims;
    for (int64_t p = 0; p < rank; ++p)
      if (!needed_after(0, p) && full[0].size(p) > 1) dims.push_back(p);
    acc = sum_dims(full[0], dims);
  }
  for (size_t i = 1; i < nops; ++i) {
    Tensor b = full[i];
    // classify dims: batch (both, kept), left (acc only, kept),
    // right (b only, kept), contracted (both, dropped)
    std::vector<int64_t> batch, left, right, contr, sum_a, sum_b, rest;
    for (int64_t p = 0; p < rank; ++p) {
      bool in_a = acc.size(p) > 1, in_b = b.size(p) > 1;
      bool keep = needed_after(i, p);
      if (keep) {
        if (in_a && in_b) batch.push_back(p);
        else if (in_a) left.push_back(p);
        else if (in_b) right.push_back(p);
        else rest.push_back(p);
      } else {
        if (in_a && in_b) contr.push_back(p);
        else if (in_a) sum_a.push_back(p), rest.push_back(p);
        else if (in_b) sum_b.push_back(p), rest.push_back(p);
        else rest.push_back(p);
      }
    }
    Tensor a = sum_dims(acc, sum_a);
    b = sum_dims(b, sum_b);
    auto prod = [&](const std::vector<int64_t>& dims, const Tensor& t) {
      int64_t n = 1;
      for (int64_t p : dims) n *= t.size(p);
      return n;
    };
    int64_t nb = prod(batch, a), m = prod(left, a), n = prod(right, b), kk = prod(contr, a);
    std::vector<int64_t> pa(batch), pb(batch);
    pa.insert(pa.end(), left.begin(), left.end());
    pa.insert(pa.end(), contr.begin(), contr.end());
    pb.insert(pb.end(), contr.begin(), contr.end());
    pb.insert(pb.end(), right.begin(), right.end());
    // the size-1 dims go last; they do not change the reshape
    for (int64_t p : right) pa.push_back(p);
    for (int64_t p : left) pb.push_back(p);
    for (int64_t p : rest) pa.push_back(p), pb.push_back(p);
    Tensor a3 = permute(a, pa).reshape({nb, m, kk});
    Tensor b3 = permute(b, pb).reshape({nb, kk, n});
    Tensor r = bmm(a3, b3);
    // back to full rank in order batch + left + right + rest, then un-permute
    std::vector<int64_t> ro(batch);
    ro.insert(ro.end(), left.begin(), left.end());
    ro.insert(ro.end(), right.begin(), right.end());
    ro.insert(ro.end(), contr.begin(), contr.end());
    ro.insert(ro.end(), rest.begin(), rest.end());
    Shape rshape;
    for (int64_t p : ro) {
      bool from_a = std::find(batch.begin(), batch.end(), p) != batch.end() ||
                    std::find(left.begin(), left.end(), p) != left.end();
      bool from_b = std::find(right.begin(), right.end(), p) != right.end();
      rshape.push_back(from_a ? a.size(p) : from_b ? b.size(p) : 1);
    }
    r = r.reshape(rshape);
    std::vector<int64_t> inv(size_t(rank), 0);
    for (int64_t q = 0; q < rank; ++q) inv[size_t(ro[size_t(q)])] = q;
    acc = permute(r, inv);
  }

  // Sum what is left of the contracted dims, drop them, and reshape.
  {
    std::vector<int64_t> dims;
    for (int64_t p = int64_t(out_labels.size()); p < rank; ++p)
      if (acc.size(p) > 1) dims.push_back(p);
    acc = sum_dims(acc, dims);
  }
  Shape out_shape;
  for (size_t q = 0; q < out_labels.size(); ++q) out_shape.push_back(acc.size(int64_t(q)));
  return acc.reshape(out_shape);
}

// ---------------------------------------------------------------- methods

Tensor Tensor::matmul(const Tensor& other) const { return ember::matmul(*this, other); }
Tensor Tensor::mm(const Tensor& mat2) const { return ember::mm(*this, mat2); }
Tensor Tensor::bmm(const Tensor& mat2) const { return ember::bmm(*this, mat2); }
Tensor Tensor::dot(const Tensor& other) const { return ember::dot(*this, other); }

}  // namespace ember
