// ember._C._nn: the functional nn ops (include/ember/nn/functional.h) with
// torch.nn.functional's argument names and defaults, the fused optimizer
// steps behind ember.optim (src/optim/fused_steps.h, shared with the C++
// optimizers), and the two tensor helpers ember.nn needs (Parameter's
// subclass construction, set_data).
#include "nn.h"

#include <ember/nn/functional.h>

#include "../../src/optim/fused_steps.h"

namespace ember_py {

namespace {

using OptT = std::optional<Tensor>;
Tensor opt(const OptT& t) { return t ? *t : Tensor(); }

ember::Reduction reduction(const std::string& s) { return ember::reduction_from_string(s); }

std::vector<int64_t> int_list(py::handle h, const char* what) {
  std::vector<int64_t> v;
  if (!int_list_from_python(h, v))
    throw py::type_error(std::string(what) + " must be an int or a tuple of ints, got " +
                         std::string(py::str(py::type::of(h))));
  return v;
}

// sp: spatial dims (1, 2 or 3).
Tensor conv_nd(int sp, const Tensor& input, const Tensor& weight, const OptT& bias, py::handle stride,
               py::handle padding, py::handle dilation, int64_t groups) {
  auto s = int_list(stride, "stride"), d = int_list(dilation, "dilation");
  if (py::isinstance<py::str>(padding)) {
    // an unknown mode is the C++ op's RuntimeError naming it, as torch's F.conv*d
    ember::PaddingMode pm(padding.cast<std::string>());
    return sp == 3   ? ember::conv3d(input, weight, opt(bias), s, pm, d, groups)
           : sp == 2 ? ember::conv2d(input, weight, opt(bias), s, pm, d, groups)
                     : ember::conv1d(input, weight, opt(bias), s, pm, d, groups);
  }
  auto p = int_list(padding, "padding");
  return sp == 3   ? ember::conv3d(input, weight, opt(bias), s, p, d, groups)
         : sp == 2 ? ember::conv2d(input, weight, opt(bias), s, p, d, groups)
                   : ember::conv1d(input, weight, opt(bias), s, p, d, groups);
}

// An adaptive pool's output_size: an int, or a tuple with None for "the
// input's size" in that dim, as torch.
std::vector<int64_t> adaptive_size(const Tensor& input, py::handle output_size, size_t n, const char* op) {
  if (!py::isinstance<py::tuple>(output_size) && !py::isinstance<py::list>(output_size))
    return int_list(output_size, (std::string(op) + ": output_size").c_str());
  auto seq = py::reinterpret_borrow<py::sequence>(output_size);
  if (seq.size() != n)
    throw py::value_error(std::string(op) + ": output_size must have " + std::to_string(n) + " elements, got " +
                          std::to_string(seq.size()));
  std::vector<int64_t> out;
  for (size_t i = 0; i < n; ++i) {
    py::object e = seq[i];
    int64_t v = 0;
    if (e.is_none())
      v = input.size(input.dim() - int64_t(n) + int64_t(i));
    else if (!int_from_python(e, v))  // pybind's cast would say only "Unable to cast Python instance"
      throw py::type_error(std::string(op) + ": output_size must be a tuple of ints or None, got " +
                           std::string(py::str(py::type::of(e).attr("__name__"))) + " at position " +
                           std::to_string(i) + " (" + std::string(py::str(output_size)) + ")");
    out.push_back(v);
  }
  return out;
}

// inplace=True: computed out of place, then copied back into input. When autograd records the op it runs
// on a copy of input, so that what it saves for backward is not the memory the result overwrites.
template <typename Op>
Tensor maybe_inplace(Tensor input, bool inplace, Op op) {
  if (!inplace) return op(input);
  const bool recorded = input.requires_grad() && ember::is_grad_enabled();
  Tensor result = op(recorded ? input.clone() : input);
  if (!result.is_same(input)) input.copy_(result);
  return input;
}

std::vector<int64_t> opt_stride(py::handle stride) {
  if (stride.is_none()) return {};
  auto v = int_list(stride, "stride");
  return v;
}

// ---- fused optimizer steps over lists of tensors ----
bool direct(const Tensor& p) {
  return p.is_cpu() && p.is_contiguous() && (p.dtype() == ember::kFloat || p.dtype() == ember::kDouble);
}
void check_param(const Tensor& p, const char* opt_name) {
  if (!direct(p))
    throw py::type_error(std::string(opt_name) +
                         ": parameters must be contiguous float32/float64 CPU tensors for the fused step");
}
Tensor grad_like(const Tensor& p, const Tensor& g) {
  if (!g.sizes().equals(p.sizes()))
    throw py::value_error("optimizer: gradient shape does not match the parameter's");
  if (g.dtype() == p.dtype() && g.is_contiguous() && g.is_cpu()) return g;
  return g.to(ember::Device(ember::kCPU), p.dtype()).contiguous();
}
template <typename T>
T* state_ptr(const Tensor& s, const Tensor& p, const char* name) {
  if (!s.defined()) return nullptr;
  if (!s.sizes().equals(p.sizes()) || s.dtype() != p.dtype() || !s.is_contiguous() || !s.is_cpu())
    throw py::value_error(std::string("optimizer: state '") + name +
                          "' must be a contiguous tensor with the parameter's shape and dtype");
  return static_cast<T*>(s.data_ptr());
}
Tensor at(const std::vector<OptT>& v, size_t i) { return i < v.size() && v[i] ? *v[i] : Tensor(); }
// grads empty: each parameter's own .grad. The Python optimizers pass none,
// so no Python object is made for every gradient at every step.
Tensor grad_of(const Tensor& p, const std::vector<Tensor>& grads, size_t i) {
  return grad_like(p, grads.empty() ? p.grad() : grads.at(i));
}

void sgd_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads, const std::vector<OptT>& bufs,
              const std::vector<bool>& first, double lr, double momentum, double dampening, double weight_decay,
              bool nesterov, bool maximize) {
  ember::NoGradGuard ng;
  ember::optim::fused::SGDHyper h{lr, momentum, dampening, weight_decay, nesterov, maximize};
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    check_param(p, "SGD");
    Tensor g = grad_of(p, grads, i), b = at(bufs, i);
    bool f = i < first.size() && first[i];
    if (p.dtype() == ember::kFloat)
      ember::optim::fused::sgd_step(p.data_ptr<float>(), g.data_ptr<float>(), state_ptr<float>(b, p, "momentum_buffer"),
                                    f, p.numel(), h);
    else
      ember::optim::fused::sgd_step(p.data_ptr<double>(), g.data_ptr<double>(),
                                    state_ptr<double>(b, p, "momentum_buffer"), f, p.numel(), h);
    p._increment_version();
  }
}

void adam_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads, const std::vector<OptT>& exp_avgs,
               const std::vector<OptT>& exp_avg_sqs, const std::vector<OptT>& max_exp_avg_sqs,
               const std::vector<int64_t>& steps, bool amsgrad, double beta1, double beta2, double lr,
               double weight_decay, double eps, bool maximize, bool decoupled) {
  ember::NoGradGuard ng;
  ember::optim::fused::AdamHyper h{lr, beta1, beta2, eps, weight_decay, amsgrad, maximize, decoupled};
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    check_param(p, decoupled ? "AdamW" : "Adam");
    Tensor g = grad_of(p, grads, i), m = at(exp_avgs, i), v = at(exp_avg_sqs, i), vm = at(max_exp_avg_sqs, i);
    if (!m.defined() || !v.defined() || (amsgrad && !vm.defined()))
      throw py::value_error("Adam: missing state tensors");
    if (!amsgrad) vm = Tensor();
    if (p.dtype() == ember::kFloat)
      ember::optim::fused::adam_step(p.data_ptr<float>(), g.data_ptr<float>(), state_ptr<float>(m, p, "exp_avg"),
                                     state_ptr<float>(v, p, "exp_avg_sq"), state_ptr<float>(vm, p, "max_exp_avg_sq"),
                                     steps.at(i), p.numel(), h);
    else
      ember::optim::fused::adam_step(p.data_ptr<double>(), g.data_ptr<double>(), state_ptr<double>(m, p, "exp_avg"),
                                     state_ptr<double>(v, p, "exp_avg_sq"),
                                     state_ptr<double>(vm, p, "max_exp_avg_sq"), steps.at(i), p.numel(), h);
    p._increment_version();
  }
}

void rmsprop_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                  const std::vector<OptT>& square_avgs, const std::vector<OptT>& grad_avgs,
                  const std::vector<OptT>& momentum_buffers, double lr, double alpha, double eps, double weight_decay,
                  double momentum, bool centered, bool maximize) {
  ember::NoGradGuard ng;
  ember::optim::fused::RMSpropHyper h{lr, alpha, eps, weight_decay, momentum, centered, maximize};
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    check_param(p, "RMSprop");
    Tensor g = grad_of(p, grads, i), sq = at(square_avgs, i), ga = centered ? at(grad_avgs, i) : Tensor(),
           b = momentum > 0 ? at(momentum_buffers, i) : Tensor();
    if (!sq.defined() || (centered && !ga.defined()) || (momentum > 0 && !b.defined()))
      throw py::value_error("RMSprop: missing state tensors");
    if (p.dtype() == ember::kFloat)
      ember::optim::fused::rmsprop_step(p.data_ptr<float>(), g.data_ptr<float>(), state_ptr<float>(sq, p, "square_avg"),
                                        state_ptr<float>(ga, p, "grad_avg"), state_ptr<float>(b, p, "momentum_buffer"),
                                        p.numel(), h);
    else
      ember::optim::fused::rmsprop_step(p.data_ptr<double>(), g.data_ptr<double>(),
                                        state_ptr<double>(sq, p, "square_avg"), state_ptr<double>(ga, p, "grad_avg"),
                                        state_ptr<double>(b, p, "momentum_buffer"), p.numel(), h);
    p._increment_version();
  }
}

void adagrad_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                  const std::vector<OptT>& state_sums, const std::vector<int64_t>& steps, double lr,
                  double weight_decay, double lr_decay, double eps, bool maximize) {
  ember::NoGradGuard ng;
  ember::optim::fused::AdagradHyper h{lr, lr_decay, weight_decay, eps, maximize};
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    check_param(p, "Adagrad");
    Tensor g = grad_of(p, grads, i), s = at(state_sums, i);
    if (!s.defined()) throw py::value_error("Adagrad: missing state tensors");
    if (p.dtype() == ember::kFloat)
      ember::optim::fused::adagrad_step(p.data_ptr<float>(), g.data_ptr<float>(), state_ptr<float>(s, p, "sum"),
                                        steps.at(i), p.numel(), h);
    else
      ember::optim::fused::adagrad_step(p.data_ptr<double>(), g.data_ptr<double>(), state_ptr<double>(s, p, "sum"),
                                        steps.at(i), p.numel(), h);
    p._increment_version();
  }
}

void adadelta_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                   const std::vector<OptT>& square_avgs, const std::vector<OptT>& acc_deltas, double lr, double rho,
                   double eps, double weight_decay, bool maximize) {
  ember::NoGradGuard ng;
  ember::optim::fused::AdadeltaHyper h{lr, rho, eps, weight_decay, maximize};
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    check_param(p, "Adadelta");
    Tensor g = grad_of(p, grads, i), sq = at(square_avgs, i), acc = at(acc_deltas, i);
    if (!sq.defined() || !acc.defined()) throw py::value_error("Adadelta: missing state tensors");
    if (p.dtype() == ember::kFloat)
      ember::optim::fused::adadelta_step(p.data_ptr<float>(), g.data_ptr<float>(), state_ptr<float>(sq, p, "square_avg"),
                                         state_ptr<float>(acc, p, "acc_delta"), p.numel(), h);
    else
      ember::optim::fused::adadelta_step(p.data_ptr<double>(), g.data_ptr<double>(),
                                         state_ptr<double>(sq, p, "square_avg"), state_ptr<double>(acc, p, "acc_delta"),
                                         p.numel(), h);
    p._increment_version();
  }
}

void nadam_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads, const std::vector<OptT>& exp_avgs,
                const std::vector<OptT>& exp_avg_sqs, const std::vector<OptT>& mu_products,
                const std::vector<int64_t>& steps, double beta1, double beta2, double lr, double weight_decay,
                double momentum_decay, double eps) {
  ember::NoGradGuard ng;
  ember::optim::fused::NAdamHyper h{lr, beta1, beta2, eps, weight_decay, momentum_decay};
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    check_param(p, "NAdam");
    Tensor g = grad_of(p, grads, i), m = at(exp_avgs, i), v = at(exp_avg_sqs, i), mp = at(mu_products, i);
    if (!m.defined() || !v.defined() || !mp.defined() || mp.numel() != 1)
      throw py::value_error("NAdam: missing state tensors");
    // See Note [NAdam's mu_product] (src/optim/fused_steps.cpp): multiplied in place, in its own dtype
    const int64_t step = steps.at(i);
    mp.mul_(ember::optim::fused::nadam_mu(h, step));
    const double mu_product = mp.item<double>();
    if (p.dtype() == ember::kFloat)
      ember::optim::fused::nadam_step(p.data_ptr<float>(), g.data_ptr<float>(), state_ptr<float>(m, p, "exp_avg"),
                                      state_ptr<float>(v, p, "exp_avg_sq"), step, mu_product, p.numel(), h);
    else
      ember::optim::fused::nadam_step(p.data_ptr<double>(), g.data_ptr<double>(), state_ptr<double>(m, p, "exp_avg"),
                                      state_ptr<double>(v, p, "exp_avg_sq"), step, mu_product, p.numel(), h);
    p._increment_version();
  }
}

void radam_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads, const std::vector<OptT>& exp_avgs,
                const std::vector<OptT>& exp_avg_sqs, const std::vector<int64_t>& steps, double beta1, double beta2,
                double lr, double weight_decay, double eps) {
  ember::NoGradGuard ng;
  ember::optim::fused::RAdamHyper h{lr, beta1, beta2, eps, weight_decay};
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    check_param(p, "RAdam");
    Tensor g = grad_of(p, grads, i), m = at(exp_avgs, i), v = at(exp_avg_sqs, i);
    if (!m.defined() || !v.defined()) throw py::value_error("RAdam: missing state tensors");
    if (p.dtype() == ember::kFloat)
      ember::optim::fused::radam_step(p.data_ptr<float>(), g.data_ptr<float>(), state_ptr<float>(m, p, "exp_avg"),
                                      state_ptr<float>(v, p, "exp_avg_sq"), steps.at(i), p.numel(), h);
    else
      ember::optim::fused::radam_step(p.data_ptr<double>(), g.data_ptr<double>(), state_ptr<double>(m, p, "exp_avg"),
                                      state_ptr<double>(v, p, "exp_avg_sq"), steps.at(i), p.numel(), h);
    p._increment_version();
  }
}

void adamax_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads, const std::vector<OptT>& exp_avgs,
                 const std::vector<OptT>& exp_infs, const std::vector<int64_t>& steps, double eps, double beta1,
                 double beta2, double lr, double weight_decay, bool maximize) {
  ember::NoGradGuard ng;
  ember::optim::fused::AdamaxHyper h{lr, beta1, beta2, eps, weight_decay, maximize};
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    check_param(p, "Adamax");
    Tensor g = grad_of(p, grads, i), m = at(exp_avgs, i), u = at(exp_infs, i);
    if (!m.defined() || !u.defined()) throw py::value_error("Adamax: missing state tensors");
    if (p.dtype() == ember::kFloat)
      ember::optim::fused::adamax_step(p.data_ptr<float>(), g.data_ptr<float>(), state_ptr<float>(m, p, "exp_avg"),
                                       state_ptr<float>(u, p, "exp_inf"), steps.at(i), p.numel(), h);
    else
      ember::optim::fused::adamax_step(p.data_ptr<double>(), g.data_ptr<double>(), state_ptr<double>(m, p, "exp_avg"),
                                       state_ptr<double>(u, p, "exp_inf"), steps.at(i), p.numel(), h);
    p._increment_version();
  }
}

// An instance of the Python subclass `cls` of ember.Tensor that shares
// `data`'s memory under a new identity (torch's Tensor._make_subclass).
py::object make_subclass(py::handle tensor_cls, py::handle cls, const Tensor& data, bool requires_grad) {
  if (!PyType_Check(cls.ptr()) || !PyType_IsSubtype(reinterpret_cast<PyTypeObject*>(cls.ptr()),
                                                    reinterpret_cast<PyTypeObject*>(tensor_cls.ptr())))
    throw py::type_error("_make_subclass: cls must be a subclass of ember.Tensor");
  py::object obj = tensor_cls.attr("__new__")(cls);
  auto* inst = reinterpret_cast<py::detail::instance*>(obj.ptr());
  auto v_h = inst->get_value_and_holder(py::detail::get_type_info(typeid(Tensor)));
  Tensor t = data.detach();
  t.requires_grad_(requires_grad);
  v_h.value_ptr() = new Tensor(std::move(t));
  v_h.type->init_instance(inst, nullptr);
  note_wrapper(obj.ptr(), static_cast<const Tensor*>(v_h.value_ptr()));
  return obj;
}

}  // namespace

void init_nn(py::module_& root) {
  py::module_ m = root.def_submodule("_nn", "torch.nn.functional's ops and the fused optimizer steps");
  using py::arg;

  // ---- convolution ----
  m.def("conv1d", [](const Tensor& input, const Tensor& weight, const OptT& bias, py::object stride,
                     py::object padding, py::object dilation, int64_t groups) {
    return conv_nd(1, input, weight, bias, stride, padding, dilation, groups);
  }, arg("input"), arg("weight"), arg("bias") = py::none(), arg("stride") = 1, arg("padding") = 0,
        arg("dilation") = 1, arg("groups") = 1, "1-D convolution over input [N, C_in, L].");
  m.def("conv2d", [](const Tensor& input, const Tensor& weight, const OptT& bias, py::object stride,
                     py::object padding, py::object dilation, int64_t groups) {
    return conv_nd(2, input, weight, bias, stride, padding, dilation, groups);
  }, arg("input"), arg("weight"), arg("bias") = py::none(), arg("stride") = 1, arg("padding") = 0,
        arg("dilation") = 1, arg("groups") = 1, "2-D convolution over input [N, C_in, H, W].");
  m.def("conv3d", [](const Tensor& input, const Tensor& weight, const OptT& bias, py::object stride,
                     py::object padding, py::object dilation, int64_t groups) {
    return conv_nd(3, input, weight, bias, stride, padding, dilation, groups);
  }, arg("input"), arg("weight"), arg("bias") = py::none(), arg("stride") = 1, arg("padding") = 0,
        arg("dilation") = 1, arg("groups") = 1, "3-D convolution over input [N, C_in, D, H, W].");
  m.def("conv_transpose2d", [](const Tensor& input, const Tensor& weight, const OptT& bias, py::object stride,
                               py::object padding, py::object output_padding, int64_t groups, py::object dilation) {
    return ember::conv_transpose2d(input, weight, opt(bias), int_list(stride, "stride"), int_list(padding, "padding"),
                                   int_list(output_padding, "output_padding"), groups, int_list(dilation, "dilation"));
  }, arg("input"), arg("weight"), arg("bias") = py::none(), arg("stride") = 1, arg("padding") = 0,
        arg("output_padding") = 0, arg("groups") = 1, arg("dilation") = 1, "2-D transposed convolution.");
  m.def("conv_transpose1d", [](const Tensor& input, const Tensor& weight, const OptT& bias, py::object stride,
                               py::object padding, py::object output_padding, int64_t groups, py::object dilation) {
    return ember::conv_transpose1d(input, weight, opt(bias), int_list(stride, "stride"), int_list(padding, "padding"),
                                   int_list(output_padding, "output_padding"), groups, int_list(dilation, "dilation"));
  }, arg("input"), arg("weight"), arg("bias") = py::none(), arg("stride") = 1, arg("padding") = 0,
        arg("output_padding") = 0, arg("groups") = 1, arg("dilation") = 1,
        "1-D transposed convolution over input [N, C_in, L].");

  // ---- pooling ----
  m.def("max_pool2d", [](const Tensor& input, py::object kernel_size, py::object stride, py::object padding,
                         py::object dilation, bool ceil_mode, bool return_indices) -> py::object {
    auto k = int_list(kernel_size, "kernel_size"), s = opt_stride(stride), p = int_list(padding, "padding"),
         d = int_list(dilation, "dilation");
    if (return_indices) {
      auto r = ember::max_pool2d_with_indices(input, k, s, p, d, ceil_mode);
      return py::make_tuple(std::get<0>(r), std::get<1>(r));
    }
    return py::cast(ember::max_pool2d(input, k, s, p, d, ceil_mode));
  }, arg("input"), arg("kernel_size"), arg("stride") = py::none(), arg("padding") = 0, arg("dilation") = 1,
        arg("ceil_mode") = false, arg("return_indices") = false, "2-D max pooling.");
  m.def("max_pool2d_with_indices", [](const Tensor& input, py::object kernel_size, py::object stride,
                                      py::object padding, py::object dilation, bool ceil_mode) {
    return ember::max_pool2d_with_indices(input, int_list(kernel_size, "kernel_size"), opt_stride(stride),
                                          int_list(padding, "padding"), int_list(dilation, "dilation"), ceil_mode);
  }, arg("input"), arg("kernel_size"), arg("stride") = py::none(), arg("padding") = 0, arg("dilation") = 1,
        arg("ceil_mode") = false, "2-D max pooling returning (output, indices).");
  m.def("unfold", [](const Tensor& input, py::object kernel_size, py::object dilation, py::object padding,
                     py::object stride) {
    return ember::im2col(input, int_list(kernel_size, "kernel_size"), int_list(dilation, "dilation"),
                         int_list(padding, "padding"), int_list(stride, "stride"));
  }, arg("input"), arg("kernel_size"), arg("dilation") = 1, arg("padding") = 0, arg("stride") = 1,
        "Sliding blocks of [N, C, H, W] as columns [N, C kh kw, L].");
  m.def("fold", [](const Tensor& input, py::object output_size, py::object kernel_size, py::object dilation,
                   py::object padding, py::object stride) {
    return ember::col2im(input, int_list(output_size, "output_size"), int_list(kernel_size, "kernel_size"),
                         int_list(dilation, "dilation"), int_list(padding, "padding"), int_list(stride, "stride"));
  }, arg("input"), arg("output_size"), arg("kernel_size"), arg("dilation") = 1, arg("padding") = 0, arg("stride") = 1,
        "Columns [N, C kh kw, L] summed back into [N, C, output_size] (unfold's adjoint).");
  m.def("avg_pool2d", [](const Tensor& input, py::object kernel_size, py::object stride, py::object padding,
                         bool ceil_mode, bool count_include_pad, std::optional<int64_t> divisor_override) {
    return ember::avg_pool2d(input, int_list(kernel_size, "kernel_size"), opt_stride(stride),
                             int_list(padding, "padding"), ceil_mode, count_include_pad, divisor_override);
  }, arg("input"), arg("kernel_size"), arg("stride") = py::none(), arg("padding") = 0, arg("ceil_mode") = false,
        arg("count_include_pad") = true, arg("divisor_override") = py::none(), "2-D average pooling.");
  m.def("adaptive_avg_pool2d", [](const Tensor& input, py::object output_size) {
    std::vector<int64_t> out;
    if (py::isinstance<py::tuple>(output_size) || py::isinstance<py::list>(output_size)) {
      auto seq = py::reinterpret_borrow<py::sequence>(output_size);
      if (seq.size() != 2) throw py::value_error("adaptive_avg_pool2d: output_size must have 2 elements");
      for (size_t i = 0; i < 2; ++i) {
        py::object e = seq[i];
        out.push_back(e.is_none() ? input.size(input.dim() - 2 + int64_t(i)) : e.cast<int64_t>());
      }
    } else {
      out = int_list(output_size, "output_size");
    }
    return ember::adaptive_avg_pool2d(input, out);
  }, arg("input"), arg("output_size"), "2-D adaptive average pooling.");

  m.def("max_pool1d", [](const Tensor& input, py::object kernel_size, py::object stride, py::object padding,
                         py::object dilation, bool ceil_mode, bool return_indices) -> py::object {
    auto k = int_list(kernel_size, "kernel_size"), s = opt_stride(stride), p = int_list(padding, "padding"),
         d = int_list(dilation, "dilation");
    if (return_indices) {
      auto r = ember::max_pool1d_with_indices(input, k, s, p, d, ceil_mode);
      return py::make_tuple(std::get<0>(r), std::get<1>(r));
    }
    return py::cast(ember::max_pool1d(input, k, s, p, d, ceil_mode));
  }, arg("input"), arg("kernel_size"), arg("stride") = py::none(), arg("padding") = 0, arg("dilation") = 1,
        arg("ceil_mode") = false, arg("return_indices") = false, "1-D max pooling over [N, C, L].");
  m.def("avg_pool1d", [](const Tensor& input, py::object kernel_size, py::object stride, py::object padding,
                         bool ceil_mode, bool count_include_pad) {
    return ember::avg_pool1d(input, int_list(kernel_size, "kernel_size"), opt_stride(stride),
                             int_list(padding, "padding"), ceil_mode, count_include_pad);
  }, arg("input"), arg("kernel_size"), arg("stride") = py::none(), arg("padding") = 0, arg("ceil_mode") = false,
        arg("count_include_pad") = true, "1-D average pooling over [N, C, L].");
  m.def("adaptive_avg_pool1d", [](const Tensor& input, py::object output_size) {
    return ember::adaptive_avg_pool1d(input, int_list(output_size, "output_size"));
  }, arg("input"), arg("output_size"), "1-D adaptive average pooling over [N, C, L].");

  // ---- 3-D pooling ----
  m.def("max_pool3d", [](const Tensor& input, py::object kernel_size, py::object stride, py::object padding,
                         py::object dilation, bool ceil_mode, bool return_indices) -> py::object {
    auto k = int_list(kernel_size, "max_pool3d: kernel_size"), s = opt_stride(stride),
         p = int_list(padding, "max_pool3d: padding"), d = int_list(dilation, "max_pool3d: dilation");
    if (return_indices) {
      auto r = ember::max_pool3d_with_indices(input, k, s, p, d, ceil_mode);
      return py::make_tuple(std::get<0>(r), std::get<1>(r));
    }
    return py::cast(ember::max_pool3d(input, k, s, p, d, ceil_mode));
  }, arg("input"), arg("kernel_size"), arg("stride") = py::none(), arg("padding") = 0, arg("dilation") = 1,
        arg("ceil_mode") = false, arg("return_indices") = false, "3-D max pooling over [N, C, D, H, W].");
  m.def("avg_pool3d", [](const Tensor& input, py::object kernel_size, py::object stride, py::object padding,
                         bool ceil_mode, bool count_include_pad, std::optional<int64_t> divisor_override) {
    return ember::avg_pool3d(input, int_list(kernel_size, "avg_pool3d: kernel_size"), opt_stride(stride),
                             int_list(padding, "avg_pool3d: padding"), ceil_mode, count_include_pad, divisor_override);
  }, arg("input"), arg("kernel_size"), arg("stride") = py::none(), arg("padding") = 0, arg("ceil_mode") = false,
        arg("count_include_pad") = true, arg("divisor_override") = py::none(),
        "3-D average pooling over [N, C, D, H, W].");
  m.def("adaptive_avg_pool3d", [](const Tensor& input, py::object output_size) {
    return ember::adaptive_avg_pool3d(input, adaptive_size(input, output_size, 3, "adaptive_avg_pool3d"));
  }, arg("input"), arg("output_size"), "3-D adaptive average pooling over [N, C, D, H, W].");
  m.def("adaptive_max_pool3d", [](const Tensor& input, py::object output_size, bool return_indices) -> py::object {
    auto o = adaptive_size(input, output_size, 3, "adaptive_max_pool3d");
    if (return_indices) {
      auto r = ember::adaptive_max_pool3d_with_indices(input, o);
      return py::make_tuple(std::get<0>(r), std::get<1>(r));
    }
    return py::cast(ember::adaptive_max_pool3d(input, o));
  }, arg("input"), arg("output_size"), arg("return_indices") = false,
        "3-D adaptive max pooling over [N, C, D, H, W] (return_indices: also the flat argmax positions).");
  m.def("adaptive_max_pool2d", [](const Tensor& input, py::object output_size, bool return_indices) -> py::object {
    auto o = adaptive_size(input, output_size, 2, "adaptive_max_pool2d");
    if (return_indices) {
      auto r = ember::adaptive_max_pool2d_with_indices(input, o);
      return py::make_tuple(std::get<0>(r), std::get<1>(r));
    }
    return py::cast(ember::adaptive_max_pool2d(input, o));
  }, arg("input"), arg("output_size"), arg("return_indices") = false,
        "2-D adaptive max pooling over [N, C, H, W] (return_indices: also the flat argmax positions in each plane).");
  m.def("adaptive_max_pool1d", [](const Tensor& input, py::object output_size, bool return_indices) -> py::object {
    auto o = adaptive_size(input, output_size, 1, "adaptive_max_pool1d");
    if (return_indices) {
      auto r = ember::adaptive_max_pool1d_with_indices(input, o);
      return py::make_tuple(std::get<0>(r), std::get<1>(r));
    }
    return py::cast(ember::adaptive_max_pool1d(input, o));
  }, arg("input"), arg("output_size"), arg("return_indices") = false,
        "1-D adaptive max pooling over [N, C, L] (return_indices: also the argmax positions along L).");

  // ---- normalization ----
  m.def("batch_norm", [](const Tensor& input, const OptT& running_mean, const OptT& running_var, const OptT& weight,
                         const OptT& bias, bool training, double momentum, double eps) {
    return ember::batch_norm(input, opt(running_mean), opt(running_var), opt(weight), opt(bias), training, momentum,
                             eps);
  }, arg("input"), arg("running_mean"), arg("running_var"), arg("weight") = py::none(), arg("bias") = py::none(),
        arg("training") = false, arg("momentum") = 0.1, arg("eps") = 1e-5, "Batch normalization.");
  m.def("instance_norm", [](const Tensor& input, const OptT& running_mean, const OptT& running_var,
                            const OptT& weight, const OptT& bias, bool use_input_stats, double momentum, double eps) {
    return ember::instance_norm(input, opt(running_mean), opt(running_var), opt(weight), opt(bias), use_input_stats,
                                momentum, eps);
  }, arg("input"), arg("running_mean") = py::none(), arg("running_var") = py::none(), arg("weight") = py::none(),
        arg("bias") = py::none(), arg("use_input_stats") = true, arg("momentum") = 0.1, arg("eps") = 1e-5,
        "Instance normalization: each (sample, channel) plane of [N, C, *] over its spatial dims.");
  m.def("layer_norm", [](const Tensor& input, py::object normalized_shape, const OptT& weight, const OptT& bias,
                         double eps) {
    return ember::layer_norm(input, int_list(normalized_shape, "normalized_shape"), opt(weight), opt(bias), eps);
  }, arg("input"), arg("normalized_shape"), arg("weight") = py::none(), arg("bias") = py::none(), arg("eps") = 1e-5,
        "Layer normalization over the trailing normalized_shape dims.");
  m.def("group_norm", [](const Tensor& input, int64_t num_groups, const OptT& weight, const OptT& bias, double eps) {
    return ember::group_norm(input, num_groups, opt(weight), opt(bias), eps);
  }, arg("input"), arg("num_groups"), arg("weight") = py::none(), arg("bias") = py::none(), arg("eps") = 1e-5,
        "Group normalization.");
  m.def("rms_norm", [](const Tensor& input, py::object normalized_shape, const OptT& weight,
                       std::optional<double> eps) {
    return ember::rms_norm(input, int_list(normalized_shape, "normalized_shape"), opt(weight), eps);
  }, arg("input"), arg("normalized_shape"), arg("weight") = py::none(), arg("eps") = py::none(),
        "RMS normalization (eps None: the dtype's machine epsilon).");

  // ---- misc ----
  m.def("dropout", [](Tensor input, double p, bool training, bool inplace) {
    if (p < 0 || p > 1) throw py::value_error("dropout probability has to be between 0 and 1, but got " + std::to_string(p));
    if (inplace && (!training || p == 0)) return input;
    return maybe_inplace(input, inplace, [&](const Tensor& x) { return ember::dropout(x, p, training); });
  }, arg("input"), arg("p") = 0.5, arg("training") = true, arg("inplace") = false,
        "Zeroes elements with probability p and scales the rest by 1/(1-p) in training.");
  m.def("dropout2d", [](Tensor input, double p, bool training, bool inplace) {
    if (p < 0 || p > 1) throw py::value_error("dropout probability has to be between 0 and 1, but got " + std::to_string(p));
    if (inplace && (!training || p == 0)) return input;
    return maybe_inplace(input, inplace, [&](const Tensor& x) { return ember::dropout2d(x, p, training); });
  }, arg("input"), arg("p") = 0.5, arg("training") = true, arg("inplace") = false,
        "Zeroes whole channels (one Bernoulli per (N, C)) with probability p, scaling the rest by 1/(1-p).");
  m.def("embedding", [](const Tensor& input, const Tensor& weight, std::optional<int64_t> padding_idx) {
    if (padding_idx && *padding_idx < 0) padding_idx = *padding_idx + weight.size(0);
    return ember::embedding(input, weight, padding_idx);
  }, arg("input"), arg("weight"), arg("padding_idx") = py::none(), "Looks up rows of weight.");
  m.def("embedding_bag", [](const Tensor& input, const Tensor& weight, std::optional<Tensor> offsets,
                            const std::string& mode, std::optional<Tensor> per_sample_weights,
                            bool include_last_offset, std::optional<int64_t> padding_idx) {
    return ember::embedding_bag(input, weight, offsets ? *offsets : Tensor(), mode,
                                per_sample_weights ? *per_sample_weights : Tensor(), include_last_offset, padding_idx);
  }, arg("input"), arg("weight"), arg("offsets") = py::none(), arg("mode") = "mean",
        arg("per_sample_weights") = py::none(), arg("include_last_offset") = false, arg("padding_idx") = py::none(),
        "Sums, means or maxes bags of weight rows (the C++ op; F.embedding_bag wraps it with torch's arguments).");
  m.def("pad", [](const Tensor& input, py::object pad, const std::string& mode, std::optional<double> value) {
    return ember::pad(input, int_list(pad, "pad"), mode, value ? *value : 0.0);
  }, arg("input"), arg("pad"), arg("mode") = "constant", arg("value") = py::none(), "Pads the trailing dims.");
  m.def("interpolate", [](const Tensor& input, py::object size, py::object scale_factor, const std::string& mode,
                          std::optional<bool> align_corners) {
    std::optional<std::vector<int64_t>> sz;
    std::optional<std::vector<double>> sf;
    int64_t nsp = input.dim() - 2;
    if (!size.is_none()) sz = int_list(size, "size");
    if (!scale_factor.is_none()) {
      std::vector<double> v;
      if (py::isinstance<py::float_>(scale_factor) || py::isinstance<py::int_>(scale_factor))
        v.assign(size_t(std::max<int64_t>(nsp, 1)), scale_factor.cast<double>());
      else
        v = scale_factor.cast<std::vector<double>>();
      sf = v;
    }
    if (sz && sz->size() == 1 && nsp > 1) sz->assign(size_t(nsp), (*sz)[0]);
    return ember::interpolate(input, sz, sf, mode, align_corners);
  }, arg("input"), arg("size") = py::none(), arg("scale_factor") = py::none(), arg("mode") = "nearest",
        arg("align_corners") = py::none(), "Resizes by nearest or bilinear interpolation.");
  m.def("affine_grid", [](const Tensor& theta, py::object size, std::optional<bool> align_corners) {
    return ember::affine_grid(theta, int_list(size, "size"), align_corners.value_or(false));
  }, arg("theta"), arg("size"), arg("align_corners") = py::none(),
        "The sampling grid [N, H, W, 2] ([N, D, H, W, 3]) of affine maps theta [N, 2, 3] ([N, 3, 4]).");
  m.def("grid_sample", [](const Tensor& input, const Tensor& grid, const std::string& mode,
                          const std::string& padding_mode, std::optional<bool> align_corners) {
    return ember::grid_sample(input, grid, mode, padding_mode, align_corners.value_or(false));
  }, arg("input"), arg("grid"), arg("mode") = "bilinear", arg("padding_mode") = "zeros",
        arg("align_corners") = py::none(), "Samples input [N, C, H, W] at grid [N, H_out, W_out, 2].");
  m.def("lstm", &ember::lstm, arg("input"), arg("h0"), arg("c0"), arg("params"), arg("has_biases"),
        arg("num_layers"), arg("dropout"), arg("train"), arg("bidirectional"),
        "Multi-layer LSTM over time-major input; returns (output, h_n, c_n).");
  m.def("gru", &ember::gru, arg("input"), arg("h0"), arg("params"), arg("has_biases"), arg("num_layers"),
        arg("dropout"), arg("train"), arg("bidirectional"), "Multi-layer GRU over time-major input; returns (output, h_n).");
  m.def("rnn_tanh", &ember::rnn_tanh, arg("input"), arg("hx"), arg("params"), arg("has_biases"), arg("num_layers"),
        arg("dropout"), arg("train"), arg("bidirectional"),
        "Multi-layer tanh RNN over time-major input; returns (output, h_n).");
  m.def("rnn_relu", &ember::rnn_relu, arg("input"), arg("hx"), arg("params"), arg("has_biases"), arg("num_layers"),
        arg("dropout"), arg("train"), arg("bidirectional"),
        "Multi-layer relu RNN over time-major input; returns (output, h_n).");
  m.def("lstm_packed", &ember::lstm_packed, arg("data"), arg("batch_sizes"), arg("hx"), arg("params"),
        arg("has_biases"), arg("num_layers"), arg("dropout"), arg("train"), arg("bidirectional"),
        "Multi-layer LSTM over a PackedSequence's (data, batch_sizes); hx = [h0, c0]; returns (output, h_n, c_n).");
  for (auto [name, fn] : {std::make_pair("gru_packed", &ember::gru_packed),
                          std::make_pair("rnn_tanh_packed", &ember::rnn_tanh_packed),
                          std::make_pair("rnn_relu_packed", &ember::rnn_relu_packed)})
    m.def(name, fn, arg("data"), arg("batch_sizes"), arg("hx"), arg("params"), arg("has_biases"), arg("num_layers"),
          arg("dropout"), arg("train"), arg("bidirectional"),
          "Multi-layer GRU / RNN over a PackedSequence's (data, batch_sizes); returns (output, h_n).");
  m.def("lstm_cell", [](const Tensor& input, const std::optional<std::tuple<Tensor, Tensor>>& hx, const Tensor& w_ih,
                        const Tensor& w_hh, const OptT& b_ih, const OptT& b_hh) {
    return ember::lstm_cell(input, hx ? std::get<0>(*hx) : Tensor(), hx ? std::get<1>(*hx) : Tensor(), w_ih, w_hh,
                            opt(b_ih), opt(b_hh));
  }, arg("input"), arg("hx"), arg("w_ih"), arg("w_hh"), arg("b_ih") = py::none(), arg("b_hh") = py::none(),
        "One LSTM step; hx = (h, c) or None (zeros); returns (h', c').");
  m.def("gru_cell", [](const Tensor& input, const OptT& hx, const Tensor& w_ih, const Tensor& w_hh, const OptT& b_ih,
                       const OptT& b_hh) {
    return ember::gru_cell(input, opt(hx), w_ih, w_hh, opt(b_ih), opt(b_hh));
  }, arg("input"), arg("hx"), arg("w_ih"), arg("w_hh"), arg("b_ih") = py::none(), arg("b_hh") = py::none(),
        "One GRU step; hx None: zeros.");
  m.def("rnn_tanh_cell", [](const Tensor& input, const OptT& hx, const Tensor& w_ih, const Tensor& w_hh,
                            const OptT& b_ih, const OptT& b_hh) {
    return ember::rnn_tanh_cell(input, opt(hx), w_ih, w_hh, opt(b_ih), opt(b_hh));
  }, arg("input"), arg("hx"), arg("w_ih"), arg("w_hh"), arg("b_ih") = py::none(), arg("b_hh") = py::none(),
        "One tanh RNN step; hx None: zeros.");
  m.def("rnn_relu_cell", [](const Tensor& input, const OptT& hx, const Tensor& w_ih, const Tensor& w_hh,
                            const OptT& b_ih, const OptT& b_hh) {
    return ember::rnn_relu_cell(input, opt(hx), w_ih, w_hh, opt(b_ih), opt(b_hh));
  }, arg("input"), arg("hx"), arg("w_ih"), arg("w_hh"), arg("b_ih") = py::none(), arg("b_hh") = py::none(),
        "One relu RNN step; hx None: zeros.");
  m.def("scaled_dot_product_attention", [](const Tensor& query, const Tensor& key, const Tensor& value,
                                           const OptT& attn_mask, double dropout_p, bool is_causal,
                                           std::optional<double> scale) {
    return ember::scaled_dot_product_attention(query, key, value, opt(attn_mask), dropout_p, is_causal, scale);
  }, arg("query"), arg("key"), arg("value"), arg("attn_mask") = py::none(), arg("dropout_p") = 0.0,
        arg("is_causal") = false, py::kw_only(), arg("scale") = py::none(), "softmax(q k^T * scale + mask) v.");
  m.def("leaky_relu", [](Tensor input, double negative_slope, bool inplace) {
    return maybe_inplace(input, inplace, [&](const Tensor& x) { return ember::leaky_relu(x, negative_slope); });
  }, arg("input"), arg("negative_slope") = 0.01, arg("inplace") = false, "max(0,x) + negative_slope * min(0,x).");
  m.def("elu", [](Tensor input, double alpha, bool inplace) {
    return maybe_inplace(input, inplace, [&](const Tensor& x) { return ember::elu(x, alpha); });
  }, arg("input"), arg("alpha") = 1.0, arg("inplace") = false, "x if x > 0 else alpha * (exp(x) - 1).");
  m.def("hardtanh", [](Tensor input, double min_val, double max_val, bool inplace) {
    return maybe_inplace(input, inplace, [&](const Tensor& x) { return ember::hardtanh(x, min_val, max_val); });
  }, arg("input"), arg("min_val") = -1.0, arg("max_val") = 1.0, arg("inplace") = false,
        "x clamped to [min_val, max_val] (gradient 0 at the bounds).");
  m.def("relu6", [](Tensor input, bool inplace) {
    return maybe_inplace(input, inplace, [](const Tensor& x) { return ember::relu6(x); });
  }, arg("input"), arg("inplace") = false, "hardtanh(x, 0, 6).");
  m.def("logsigmoid", &ember::logsigmoid, arg("input"), "log(sigmoid(x)).");
  m.def("selu", [](Tensor input, bool inplace) {
    return maybe_inplace(input, inplace, [](const Tensor& x) { return ember::selu(x); });
  }, arg("input"), arg("inplace") = false, "scale * elu(x, alpha) (alpha 1.6733, scale 1.0507).");
  m.def("celu", [](Tensor input, double alpha, bool inplace) {
    return maybe_inplace(input, inplace, [&](const Tensor& x) { return ember::celu(x, alpha); });
  }, arg("input"), arg("alpha") = 1.0, arg("inplace") = false, "max(0,x) + min(0, alpha * (exp(x/alpha) - 1)).");
  m.def("mish", [](Tensor input, bool inplace) {
    return maybe_inplace(input, inplace, [](const Tensor& x) { return ember::mish(x); });
  }, arg("input"), arg("inplace") = false, "x * tanh(softplus(x)).");
  m.def("hardswish", [](Tensor input, bool inplace) {
    return maybe_inplace(input, inplace, [](const Tensor& x) { return ember::hardswish(x); });
  }, arg("input"), arg("inplace") = false, "x * relu6(x + 3) / 6.");
  m.def("hardsigmoid", [](Tensor input, bool inplace) {
    return maybe_inplace(input, inplace, [](const Tensor& x) { return ember::hardsigmoid(x); });
  }, arg("input"), arg("inplace") = false, "relu6(x + 3) / 6.");
  m.def("glu", &ember::glu, arg("input"), arg("dim") = -1, "a * sigmoid(b) for the halves a, b of input along dim.");
  m.def("prelu", &ember::prelu, arg("input"), arg("weight"), "x if x > 0 else weight * x (weight per channel, dim 1).");
  m.def("softsign", &ember::softsign, arg("input"), "x / (1 + |x|).");
  m.def("softmin", &ember::softmin, arg("input"), arg("dim"), "softmax(-x, dim).");
  m.def("threshold", [](Tensor input, double threshold, double value, bool inplace) {
    return maybe_inplace(input, inplace, [&](const Tensor& x) { return ember::threshold(x, threshold, value); });
  }, arg("input"), arg("threshold"), arg("value"), arg("inplace") = false, "x if x > threshold else value.");

  // ---- losses ----
  m.def("cross_entropy", [](const Tensor& input, const Tensor& target, const OptT& weight, int64_t ignore_index,
                            const std::string& red, double label_smoothing) {
    return ember::cross_entropy(input, target, opt(weight), reduction(red), ignore_index, label_smoothing);
  }, arg("input"), arg("target"), arg("weight") = py::none(), arg("ignore_index") = -100, arg("reduction") = "mean",
        arg("label_smoothing") = 0.0, "Cross entropy of logits against class indices or probabilities.");
  m.def("nll_loss", [](const Tensor& input, const Tensor& target, const OptT& weight, int64_t ignore_index,
                       const std::string& red) {
    return ember::nll_loss(input, target, opt(weight), reduction(red), ignore_index);
  }, arg("input"), arg("target"), arg("weight") = py::none(), arg("ignore_index") = -100, arg("reduction") = "mean",
        "Negative log-likelihood of log-probabilities.");
  m.def("mse_loss", [](const Tensor& input, const Tensor& target, const std::string& red) {
    return ember::mse_loss(input, target, reduction(red));
  }, arg("input"), arg("target"), arg("reduction") = "mean", "Mean squared error.");
  m.def("l1_loss", [](const Tensor& input, const Tensor& target, const std::string& red) {
    return ember::l1_loss(input, target, reduction(red));
  }, arg("input"), arg("target"), arg("reduction") = "mean", "Mean absolute error.");
  m.def("smooth_l1_loss", [](const Tensor& input, const Tensor& target, const std::string& red, double beta) {
    return ember::smooth_l1_loss(input, target, reduction(red), beta);
  }, arg("input"), arg("target"), arg("reduction") = "mean", arg("beta") = 1.0, "Smooth L1 loss.");
  m.def("huber_loss", [](const Tensor& input, const Tensor& target, const std::string& red, double delta) {
    return ember::huber_loss(input, target, reduction(red), delta);
  }, arg("input"), arg("target"), arg("reduction") = "mean", arg("delta") = 1.0, "Huber loss.");
  m.def("binary_cross_entropy", [](const Tensor& input, const Tensor& target, const OptT& weight,
                                   const std::string& red) {
    return ember::binary_cross_entropy(input, target, opt(weight), reduction(red));
  }, arg("input"), arg("target"), arg("weight") = py::none(), arg("reduction") = "mean",
        "Binary cross entropy of probabilities.");
  m.def("binary_cross_entropy_with_logits", [](const Tensor& input, const Tensor& target, const OptT& weight,
                                               const std::string& red, const OptT& pos_weight) {
    return ember::binary_cross_entropy_with_logits(input, target, opt(weight), reduction(red), opt(pos_weight));
  }, arg("input"), arg("target"), arg("weight") = py::none(), arg("reduction") = "mean",
        arg("pos_weight") = py::none(), "Binary cross entropy of logits.");
  // lengths: tensors, or sequences of ints (a mix is allowed)
  m.def("ctc_loss", [](const Tensor& log_probs, const Tensor& targets, py::object input_lengths,
                       py::object target_lengths, int64_t blank, const std::string& red, bool zero_infinity) {
    auto as_tensor = [](py::handle h, const char* what) {
      if (is_tensor(h)) return h.cast<Tensor>();
      return ember::tensor(int_list(h, what));
    };
    return ember::ctc_loss(log_probs, targets, as_tensor(input_lengths, "input_lengths"),
                           as_tensor(target_lengths, "target_lengths"), blank, reduction(red), zero_infinity);
  }, arg("log_probs"), arg("targets"), arg("input_lengths"), arg("target_lengths"), arg("blank") = 0,
        arg("reduction") = "mean", arg("zero_infinity") = false,
        "Connectionist Temporal Classification loss of log_probs [T, N, C].");
  m.def("kl_div", [](const Tensor& input, const Tensor& target, const std::string& red, bool log_target) {
    return ember::kl_div(input, target, reduction(red), log_target);
  }, arg("input"), arg("target"), arg("reduction") = "mean", arg("log_target") = false,
        "KL divergence; input holds log-probabilities.");

  // ---- fused optimizer steps (update params and state in place) ----
  // The parameters of `params` (a list) whose .grad is set, as the same
  // Python objects; and set_to_none zero_grad. Both without making a
  // Python object for any gradient.
  m.def("_with_grad", [](const py::iterable& params) {
    py::list out;
    for (py::handle h : params)
      if (h.cast<const Tensor&>().grad().defined()) out.append(h);
    return out;
  }, arg("params"));
  m.def("_grads_to_none", [](const py::iterable& params) {
    for (py::handle h : params) {
      const Tensor& p = h.cast<const Tensor&>();
      if (p.grad().defined()) p.set_grad(Tensor());
    }
  }, arg("params"));
  m.def("_sgd_step", &sgd_step, arg("params"), arg("grads"), arg("momentum_buffers"), arg("first"), arg("lr"),
        arg("momentum"), arg("dampening"), arg("weight_decay"), arg("nesterov"), arg("maximize"),
        "One SGD step; first[i]: momentum_buffers[i] is new (takes the first update direction).");
  m.def("_adam_step", &adam_step, arg("params"), arg("grads"), arg("exp_avgs"), arg("exp_avg_sqs"),
        arg("max_exp_avg_sqs"), arg("steps"), arg("amsgrad"), arg("beta1"), arg("beta2"), arg("lr"),
        arg("weight_decay"), arg("eps"), arg("maximize"), arg("decoupled"),
        "One Adam (decoupled: AdamW) step; steps[i] counts this step.");
  m.def("_rmsprop_step", &rmsprop_step, arg("params"), arg("grads"), arg("square_avgs"), arg("grad_avgs"),
        arg("momentum_buffers"), arg("lr"), arg("alpha"), arg("eps"), arg("weight_decay"), arg("momentum"),
        arg("centered"), arg("maximize"), "One RMSprop step.");
  m.def("_adadelta_step", &adadelta_step, arg("params"), arg("grads"), arg("square_avgs"), arg("acc_deltas"),
        arg("lr"), arg("rho"), arg("eps"), arg("weight_decay"), arg("maximize"), "One Adadelta step.");
  m.def("_nadam_step", &nadam_step, arg("params"), arg("grads"), arg("exp_avgs"), arg("exp_avg_sqs"),
        arg("mu_products"), arg("steps"), arg("beta1"), arg("beta2"), arg("lr"), arg("weight_decay"),
        arg("momentum_decay"), arg("eps"), "One NAdam step; steps[i] counts this step, mu_products[i] is updated.");
  m.def("_radam_step", &radam_step, arg("params"), arg("grads"), arg("exp_avgs"), arg("exp_avg_sqs"), arg("steps"),
        arg("beta1"), arg("beta2"), arg("lr"), arg("weight_decay"), arg("eps"),
        "One RAdam step; steps[i] counts this step.");
  m.def("_adamax_step", &adamax_step, arg("params"), arg("grads"), arg("exp_avgs"), arg("exp_infs"), arg("steps"),
        arg("eps"), arg("beta1"), arg("beta2"), arg("lr"), arg("weight_decay"), arg("maximize"),
        "One Adamax step; steps[i] counts this step.");
  m.def("_adagrad_step", &adagrad_step, arg("params"), arg("grads"), arg("state_sums"), arg("steps"), arg("lr"),
        arg("weight_decay"), arg("lr_decay"), arg("eps"), arg("maximize"), "One Adagrad step.");

  // ---- tensor helpers for ember.nn ----
  py::object tensor_cls = root.attr("Tensor");
  m.def("_make_subclass", [tensor_cls](py::handle cls, const Tensor& data, bool requires_grad) {
    return make_subclass(tensor_cls, cls, data, requires_grad);
  }, arg("cls"), arg("data"), arg("requires_grad") = false,
        "An instance of the ember.Tensor subclass cls sharing data's memory (torch's Tensor._make_subclass).");
  m.def("_set_data", [](const Tensor& self, const Tensor& new_data) { self.set_data(new_data); }, arg("self"),
        arg("new_data"), "Replaces self's data, keeping its identity (torch's `self.data = new_data`).");
}

}  // namespace ember_py
