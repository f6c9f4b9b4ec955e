// The ops of the core as ember.<op> functions and, where torch has one, as
// Tensor methods, with torch's argument names and defaults. Each binding
// forwards to one C++ call.
#include "op_bindings.h"

namespace ember_py {
namespace {

template <typename F>
void both0(py::module_& m, py::class_<Tensor>& c, const char* name, F f) {
  m.def(name, f, py::arg("input"), release);
  c.def(name, f, release);
}

int64_t var_correction(std::optional<bool> unbiased, std::optional<int64_t> correction) {
  if (unbiased && correction) throw py::type_error("var/std: pass either unbiased or correction, not both");
  if (correction) return *correction;
  if (unbiased) return *unbiased ? 1 : 0;
  return 1;
}

void init_creation(py::module_& m) {
  auto kw = [](auto&&... a) { return 0; };
  (void)kw;
#define EMBER_FACTORY(name)                                                                          \
  m.def(#name, [](py::args size, OptType dtype, OptDevice device, bool requires_grad, py::object) { \
    auto s = sizes_from_args(size, #name);                                                           \
    auto o = make_options(dtype, device, requires_grad);                                             \
    py::gil_scoped_release g;                                                                        \
    return ember::name(s, o);                                                                        \
  }, py::kw_only(), py::arg("dtype") = py::none(), py::arg("device") = py::none(),                   \
        py::arg("requires_grad") = false, py::arg("out") = py::none());
  EMBER_FACTORY(zeros)
  EMBER_FACTORY(ones)
  EMBER_FACTORY(empty)
#undef EMBER_FACTORY
  m.def("rand", [](py::args size, std::shared_ptr<ember::Generator> gen, OptType dtype, OptDevice device, bool rg) {
    auto s = sizes_from_args(size, "rand");
    auto o = make_options(dtype, device, rg);
    py::gil_scoped_release g;
    return gen ? ember::rand(s, *gen, o) : ember::rand(s, o);
  }, py::kw_only(), py::arg("generator") = py::none(), py::arg("dtype") = py::none(), py::arg("device") = py::none(),
        py::arg("requires_grad") = false);
  m.def("randn", [](py::args size, std::shared_ptr<ember::Generator> gen, OptType dtype, OptDevice device, bool rg) {
    auto s = sizes_from_args(size, "randn");
    auto o = make_options(dtype, device, rg);
    py::gil_scoped_release g;
    return gen ? ember::randn(s, *gen, o) : ember::randn(s, o);
  }, py::kw_only(), py::arg("generator") = py::none(), py::arg("dtype") = py::none(), py::arg("device") = py::none(),
        py::arg("requires_grad") = false);
  m.def("full", [](IntList size, S fill_value, OptType dtype, OptDevice device, bool rg) {
    return ember::full(size, fill_value, make_options(dtype, device, rg));
  }, py::arg("size"), py::arg("fill_value"), py::kw_only(), py::arg("dtype") = py::none(),
        py::arg("device") = py::none(), py::arg("requires_grad") = false, release);
  m.def("randint", [](py::args args, std::shared_ptr<ember::Generator> gen, OptType dtype, OptDevice device, bool rg) {
    // randint(high, size) or randint(low, high, size)
    if (args.size() < 2 || args.size() > 3)
      throw py::type_error("randint() expects (high, size) or (low, high, size)");
    int64_t low = 0, high;
    if (args.size() == 3) low = args[0].cast<int64_t>();
    high = args[args.size() - 2].cast<int64_t>();
    IntList size = args[args.size() - 1].cast<IntList>();
    if (!(low < high))
      throw std::runtime_error("random_ expects 'from' to be less than 'to', but got from=" + std::to_string(low) +
                               " >= to=" + std::to_string(high));
    auto o = make_options(dtype ? dtype : OptType(ember::kInt64), device, rg);
    py::gil_scoped_release g;
    return gen ? ember::randint(low, high, size, *gen, o) : ember::randint(low, high, size, o);
  }, py::kw_only(), py::arg("generator") = py::none(), py::arg("dtype") = py::none(), py::arg("device") = py::none(),
        py::arg("requires_grad") = false);
  m.def("randperm", [](int64_t n, std::shared_ptr<ember::Generator> gen, OptType dtype, OptDevice device, bool rg) {
    auto o = make_options(dtype ? dtype : OptType(ember::kInt64), device, rg);
    py::gil_scoped_release g;
    return gen ? ember::randperm(n, *gen, o) : ember::randperm(n, o);
  }, py::arg("n"), py::kw_only(), py::arg("generator") = py::none(), py::arg("dtype") = py::none(),
        py::arg("device") = py::none(), py::arg("requires_grad") = false);
  m.def("arange", [](S a, std::optional<Scalar> b, S step, OptType dtype, OptDevice device, bool rg) {
    auto o = make_options(dtype, device, rg);
    if (!b) return ember::arange(a, o);
    return ember::arange(a, *b, step, o);
  }, py::arg("start"), py::arg("end") = py::none(), py::arg("step") = 1, py::kw_only(), py::arg("dtype") = py::none(),
        py::arg("device") = py::none(), py::arg("requires_grad") = false, release);
  m.def("linspace", [](S start, S end, int64_t steps, OptType dtype, OptDevice device, bool rg) {
    return ember::linspace(start, end, steps, make_options(dtype, device, rg));
  }, py::arg("start"), py::arg("end"), py::arg("steps"), py::kw_only(), py::arg("dtype") = py::none(),
        py::arg("device") = py::none(), py::arg("requires_grad") = false, release);
  m.def("eye", [](int64_t n, std::optional<int64_t> mm, OptType dtype, OptDevice device, bool rg) {
    auto o = make_options(dtype, device, rg);
    return mm ? ember::eye(n, *mm, o) : ember::eye(n, o);
  }, py::arg("n"), py::arg("m") = py::none(), py::kw_only(), py::arg("dtype") = py::none(),
        py::arg("device") = py::none(), py::arg("requires_grad") = false, release);
  m.def("normal", [](double mean, double std, IntList size, std::shared_ptr<ember::Generator> gen, OptType dtype,
                     OptDevice device, bool rg) {
    if (!(std >= 0)) throw py::value_error("normal expects std >= 0.0");
    if (gen) {
      Tensor t = ember::empty(size, make_options(dtype, device, false));
      ember::normal_(t, mean, std, *gen);
      return rg ? t.requires_grad_(true) : t;
    }
    return ember::normal(mean, std, size, make_options(dtype, device, rg));
  }, py::arg("mean"), py::arg("std"), py::arg("size"), py::kw_only(), py::arg("generator") = py::none(),
        py::arg("dtype") = py::none(), py::arg("device") = py::none(), py::arg("requires_grad") = false);
  m.def("multinomial", [](T input, int64_t num_samples, bool replacement, std::shared_ptr<ember::Generator> gen) {
    return gen ? ember::multinomial(input, num_samples, replacement, *gen)
               : ember::multinomial(input, num_samples, replacement);
  }, py::arg("input"), py::arg("num_samples"), py::arg("replacement") = false, py::kw_only(),
        py::arg("generator") = py::none());
  m.def("bernoulli", [](T input, std::optional<double> p, std::shared_ptr<ember::Generator> gen) {
    if (p) return ember::bernoulli(input, *p);
    return gen ? ember::bernoulli(input, *gen) : ember::bernoulli(input);
  }, py::arg("input"), py::arg("p") = py::none(), py::kw_only(), py::arg("generator") = py::none());

#define EMBER_LIKE(name)                                                                                  \
  m.def(#name, [](T input, OptType dtype, OptDevice device, bool rg, py::object) {                        \
    return ember::name(input, make_options(dtype ? dtype : input.dtype(), device ? device : input.device(), rg)); \
  }, py::arg("input"), py::kw_only(), py::arg("dtype") = py::none(), py::arg("device") = py::none(),      \
        py::arg("requires_grad") = false, py::arg("memory_format") = py::none());
  EMBER_LIKE(zeros_like)
  EMBER_LIKE(ones_like)
  EMBER_LIKE(empty_like)
  EMBER_LIKE(rand_like)
  EMBER_LIKE(randn_like)
#undef EMBER_LIKE
  m.def("full_like", [](T input, S v, OptType dtype, OptDevice device, bool rg) {
    return ember::full_like(input, v, make_options(dtype ? dtype : input.dtype(), device ? device : input.device(), rg));
  }, py::arg("input"), py::arg("fill_value"), py::kw_only(), py::arg("dtype") = py::none(),
        py::arg("device") = py::none(), py::arg("requires_grad") = false);

  m.def("tensor", [](py::handle data, OptType dtype, OptDevice device, bool rg) {
    Tensor t = tensor_from_data(data, dtype);
    if (device && *device != t.device()) t = t.to(*device);
    if (rg) {
      if (!t.is_floating_point())
        throw std::runtime_error("Only Tensors of floating point dtype can require gradients");
      t.requires_grad_(true);
    }
    return t;
  }, py::arg("data"), py::kw_only(), py::arg("dtype") = py::none(), py::arg("device") = py::none(),
        py::arg("requires_grad") = false);
  m.def("as_tensor", [](py::handle data, OptType dtype, OptDevice device) {
    Tensor t;
    if (is_tensor(data)) t = data.cast<Tensor>();
    else if (has_buffer(data) && !PyList_Check(data.ptr())) t = tensor_from_buffer(data, true);
    else t = tensor_from_data(data, dtype);
    if ((dtype && *dtype != t.dtype()) || (device && *device != t.device()))
      t = t.to(make_options(dtype ? dtype : t.dtype(), device ? device : t.device(), false));
    return t;
  }, py::arg("data"), py::arg("dtype") = py::none(), py::arg("device") = py::none());
}

void init_pointwise(py::module_& m, py::class_<Tensor>& c) {
#define EMBER_UNARY(name) both0(m, c, #name, [](T x) { return ember::name(x); });
#define EMBER_UNARY_AS(alias, name) both0(m, c, alias, [](T x) { return ember::name(x); });
  EMBER_UNARY(neg)
  EMBER_UNARY_AS("negative", neg)
  EMBER_UNARY(abs)
  EMBER_UNARY_AS("absolute", abs)
  EMBER_UNARY(sign)
  EMBER_UNARY(exp)
  EMBER_UNARY(exp2)
  EMBER_UNARY(log)
  EMBER_UNARY(log2)
  EMBER_UNARY(log10)
  EMBER_UNARY(log1p)
  EMBER_UNARY(expm1)
  EMBER_UNARY(sqrt)
  EMBER_UNARY(rsqrt)
  EMBER_UNARY(square)
  EMBER_UNARY(reciprocal)
  EMBER_UNARY(sin)
  EMBER_UNARY(cos)
  EMBER_UNARY(tan)
  EMBER_UNARY(asin)
  EMBER_UNARY_AS("arcsin", asin)
  EMBER_UNARY(acos)
  EMBER_UNARY_AS("arccos", acos)
  EMBER_UNARY(atan)
  EMBER_UNARY_AS("arctan", atan)
  EMBER_UNARY(sinh)
  EMBER_UNARY(cosh)
  EMBER_UNARY(tanh)
  EMBER_UNARY(sigmoid)
  EMBER_UNARY(relu)
  EMBER_UNARY(erf)
  EMBER_UNARY(floor)
  EMBER_UNARY(ceil)
  EMBER_UNARY(trunc)
  EMBER_UNARY_AS("fix", trunc)
  EMBER_UNARY(logical_not)
  EMBER_UNARY(bitwise_not)
  EMBER_UNARY(isnan)
  EMBER_UNARY(isinf)
  EMBER_UNARY(isfinite)
  EMBER_UNARY(t)
#undef EMBER_UNARY
#undef EMBER_UNARY_AS
  m.def("silu", [](T x) { return ember::silu(x); }, py::arg("input"), release);
  m.def("gelu", [](T x, const std::string& approximate) { return ember::gelu(x, approximate); }, py::arg("input"),
        py::kw_only(), py::arg("approximate") = "none", release);
  m.def("softplus", [](T x, double beta, double threshold) { return ember::softplus(x, beta, threshold); },
        py::arg("input"), py::arg("beta") = 1.0, py::arg("threshold") = 20.0, release);
  both(m, c, "round", [](T x, int64_t decimals) { return ember::round(x, decimals); }, py::kw_only(),
       py::arg("decimals") = 0);
  both(m, c, "nan_to_num", [](T x, std::optional<double> nan, std::optional<double> posinf, std::optional<double> neginf) {
    return ember::nan_to_num(x, nan ? nan : 0.0, posinf, neginf);
  }, py::arg("nan") = 0.0, py::arg("posinf") = py::none(), py::arg("neginf") = py::none());
  for (const char* name : {"clamp", "clip"}) {
    both(m, c, name, [](T x, std::optional<Scalar> min, std::optional<Scalar> max) {
      if (!min && !max) throw std::runtime_error("clamp: At least one of 'min' or 'max' must not be None");
      return ember::clamp(x, min, max);
    }, py::arg("min") = py::none(), py::arg("max") = py::none());
    both(m, c, name, [](T x, T min, T max) { return ember::clamp(x, min, max); }, py::arg("min"), py::arg("max"));
  }
  both(m, c, "clamp_min", [](T x, S min) { return ember::clamp_min(x, min); }, py::arg("min"));
  both(m, c, "clamp_max", [](T x, S max) { return ember::clamp_max(x, max); }, py::arg("max"));

  // binary ops: Tensor or number `other`
#define EMBER_BINARY(alias, name)                                                                 \
  both(m, c, alias, [](T x, T y) { return ember::name(x, y); }, py::arg("other"));            \
  both(m, c, alias, [](T x, S y) { return ember::name(x, y); }, py::arg("other"));
  EMBER_BINARY("mul", mul)
  EMBER_BINARY("multiply", mul)
  EMBER_BINARY("pow", pow)
  EMBER_BINARY("remainder", remainder)
  EMBER_BINARY("fmod", fmod)
  EMBER_BINARY("eq", eq)
  EMBER_BINARY("ne", ne)
  EMBER_BINARY("not_equal", ne)
  EMBER_BINARY("lt", lt)
  EMBER_BINARY("less", lt)
  EMBER_BINARY("le", le)
  EMBER_BINARY("less_equal", le)
  EMBER_BINARY("gt", gt)
  EMBER_BINARY("greater", gt)
  EMBER_BINARY("ge", ge)
  EMBER_BINARY("greater_equal", ge)
#undef EMBER_BINARY
  m.def("pow", [](S x, T y) { return ember::pow(x, y); }, py::arg("self"), py::arg("exponent"), release);
#define EMBER_BINARY_T(name) both(m, c, #name, [](T x, T y) { return ember::name(x, y); }, py::arg("other"));
  EMBER_BINARY_T(maximum)
  EMBER_BINARY_T(minimum)
  EMBER_BINARY_T(atan2)
  EMBER_BINARY_T(logical_and)
  EMBER_BINARY_T(logical_or)
  EMBER_BINARY_T(logical_xor)
#undef EMBER_BINARY_T
  // a number `other` becomes a 0-d tensor of the promoted dtype
#define EMBER_BITWISE(name)                                                                    \
  both(m, c, #name, [](T x, T y) { return ember::name(x, y); }, py::arg("other"));          \
  both(m, c, #name, [](T x, S y) { return ember::name(x, wrap_scalar(y, x)); }, py::arg("other"));
  EMBER_BITWISE(bitwise_and)
  EMBER_BITWISE(bitwise_or)
  EMBER_BITWISE(bitwise_xor)
  EMBER_BITWISE(bitwise_left_shift)
  EMBER_BITWISE(bitwise_right_shift)
#undef EMBER_BITWISE
  both(m, c, "arctan2", [](T x, T y) { return ember::atan2(x, y); }, py::arg("other"));
  for (const char* name : {"add", "sub", "subtract"}) {
    bool is_add = name[0] == 'a';
    if (is_add) {
      both(m, c, name, [](T x, T y, S alpha) { return ember::add(x, y, alpha); }, py::arg("other"), py::kw_only(), py::arg("alpha") = 1);
      both(m, c, name, [](T x, S y, S alpha) { return ember::add(x, y, alpha); }, py::arg("other"), py::kw_only(), py::arg("alpha") = 1);
    } else {
      both(m, c, name, [](T x, T y, S alpha) { return ember::sub(x, y, alpha); }, py::arg("other"), py::kw_only(), py::arg("alpha") = 1);
      both(m, c, name, [](T x, S y, S alpha) { return ember::sub(x, y, alpha); }, py::arg("other"), py::kw_only(), py::arg("alpha") = 1);
    }
  }
  m.def("rsub", [](T x, T y, S alpha) { return ember::sub(y, x, alpha); }, py::arg("input"), py::arg("other"),
        py::kw_only(), py::arg("alpha") = 1, release);
  m.def("rsub", [](T x, S y, S alpha) { return ember::rsub(x, y, alpha); }, py::arg("input"), py::arg("other"),
        py::kw_only(), py::arg("alpha") = 1, release);
  for (const char* name : {"div", "divide", "true_divide"}) {
    both(m, c, name, [](T x, T y, std::optional<std::string> rm) { return ember::div(x, y, rm); }, py::arg("other"),
         py::kw_only(), py::arg("rounding_mode") = py::none());
    both(m, c, name, [](T x, S y, std::optional<std::string> rm) { return ember::div(x, y, rm); }, py::arg("other"),
         py::kw_only(), py::arg("rounding_mode") = py::none());
  }
  both(m, c, "floor_divide", [](T x, T y) { return ember::div(x, y, "floor"); }, py::arg("other"));
  both(m, c, "floor_divide", [](T x, S y) { return ember::div(x, y, "floor"); }, py::arg("other"));
  m.def("where", [](T cond, T x, T y) { return ember::where(cond, x, y); }, py::arg("condition"), py::arg("input"),
        py::arg("other"), release);
  m.def("where", [](T cond, T x, S y) { return ember::where(cond, x, y); }, py::arg("condition"), py::arg("input"),
        py::arg("other"), release);
  m.def("where", [](T cond, S x, T y) { return ember::where(cond, x, y); }, py::arg("condition"), py::arg("input"),
        py::arg("other"), release);
  m.def("where", [](T cond, S x, S y) {
    return ember::where(cond, ember::full({}, x, ember::TensorOptions().dtype(x.type()).device(cond.device())), y);
  }, py::arg("condition"), py::arg("input"), py::arg("other"), release);
  m.def("where", [](T cond) -> py::object {  // nonzero(cond, as_tuple=True): a tuple, as torch
    tensor_list idx;
    {
      py::gil_scoped_release g;
      idx = cond.dim() == 0 ? tensor_list{ember::nonzero(cond.unsqueeze(0)).select(1, 0)} : ember::nonzero(cond).unbind(1);
    }
    return py::tuple(py::cast(idx));
  }, py::arg("condition"));
  c.def("where", [](T x, T cond, T y) { return ember::where(cond, x, y); }, py::arg("condition"), py::arg("other"), release);
  c.def("where", [](T x, T cond, S y) { return ember::where(cond, x, y); }, py::arg("condition"), py::arg("other"), release);
  both(m, c, "lerp", [](T x, T end, S w) { return ember::lerp(x, end, w); }, py::arg("end"), py::arg("weight"));
  both(m, c, "lerp", [](T x, T end, T w) { return ember::lerp(x, end, w); }, py::arg("end"), py::arg("weight"));
  both(m, c, "isclose", [](T x, T y, double rtol, double atol, bool equal_nan) {
    return ember::isclose(x, y, rtol, atol, equal_nan);
  }, py::arg("other"), py::arg("rtol") = 1e-5, py::arg("atol") = 1e-8, py::arg("equal_nan") = false);
  both(m, c, "allclose", [](T x, T y, double rtol, double atol, bool equal_nan) {
    return ember::allclose(x, y, rtol, atol, equal_nan);
  }, py::arg("other"), py::arg("rtol") = 1e-5, py::arg("atol") = 1e-8, py::arg("equal_nan") = false);
  both(m, c, "equal", [](T x, T y) { return ember::equal(x, y); }, py::arg("other"));
  m.def("can_cast", &can_cast, py::arg("from_"), py::arg("to"));
  m.def("result_type", [](T x, T y) { return ember::result_type(x, y); }, py::arg("tensor1"), py::arg("tensor2"));
  m.def("result_type", [](T x, S y) { return ember::result_type(x, y); }, py::arg("tensor1"), py::arg("tensor2"));
  m.def("result_type", [](S x, T y) { return ember::result_type(y, x); }, py::arg("tensor1"), py::arg("tensor2"));
}

void init_reductions(py::module_& m, py::class_<Tensor>& c) {
  both(m, c, "sum", [](T x, OptDim dim, bool keepdim, OptType dtype) {
    return dim ? ember::sum(x, *dim, keepdim, dtype) : ember::sum(x, dtype);
  }, py::arg("dim") = py::none(), py::arg("keepdim") = false, py::kw_only(), py::arg("dtype") = py::none());
  both(m, c, "mean", [](T x, OptDim dim, bool keepdim, OptType dtype) {
    return dim ? ember::mean(x, *dim, keepdim, dtype) : ember::mean(x, dtype);
  }, py::arg("dim") = py::none(), py::arg("keepdim") = false, py::kw_only(), py::arg("dtype") = py::none());
  both(m, c, "prod", [](T x, std::optional<int64_t> dim, bool keepdim, OptType dtype) {
    return dim ? ember::prod(x, *dim, keepdim, dtype) : ember::prod(x, dtype);
  }, py::arg("dim") = py::none(), py::arg("keepdim") = false, py::kw_only(), py::arg("dtype") = py::none());
  both(m, c, "var", [](T x, OptDim dim, std::optional<bool> unbiased, bool keepdim, std::optional<int64_t> correction) {
    return ember::var(x, dims_or_all(dim), var_correction(unbiased, correction), keepdim);
  }, py::arg("dim") = py::none(), py::arg("unbiased") = py::none(), py::arg("keepdim") = false, py::kw_only(),
       py::arg("correction") = py::none());
  both(m, c, "std", [](T x, OptDim dim, std::optional<bool> unbiased, bool keepdim, std::optional<int64_t> correction) {
    return ember::std(x, dims_or_all(dim), var_correction(unbiased, correction), keepdim);
  }, py::arg("dim") = py::none(), py::arg("unbiased") = py::none(), py::arg("keepdim") = false, py::kw_only(),
       py::arg("correction") = py::none());
  m.def("var_mean", [](T x, OptDim dim, std::optional<bool> unbiased, bool keepdim, std::optional<int64_t> correction) {
    return ember::var_mean(x, dims_or_all(dim), var_correction(unbiased, correction), keepdim);
  }, py::arg("input"), py::arg("dim") = py::none(), py::arg("unbiased") = py::none(), py::arg("keepdim") = false,
        py::kw_only(), py::arg("correction") = py::none(), release);
  m.def("std_mean", [](T x, OptDim dim, std::optional<bool> unbiased, bool keepdim, std::optional<int64_t> correction) {
    auto r = ember::var_mean(x, dims_or_all(dim), var_correction(unbiased, correction), keepdim);
    return std::make_tuple(ember::sqrt(std::get<0>(r)), std::get<1>(r));
  }, py::arg("input"), py::arg("dim") = py::none(), py::arg("unbiased") = py::none(), py::arg("keepdim") = false,
        py::kw_only(), py::arg("correction") = py::none(), release);

  // max/min: full reduction, (values, indices) along a dim, or elementwise
  for (bool is_max : {true, false}) {
    const char* name = is_max ? "max" : "min";
    auto full = is_max ? +[](T x) { return ember::max(x); } : +[](T x) { return ember::min(x); };
    both0(m, c, name, full);
    auto along = is_max ? +[](T x, int64_t dim, bool keepdim) {
      std::tuple<Tensor, Tensor> r;
      {
        py::gil_scoped_release g;
        r = ember::max(x, dim, keepdim);
      }
      return make_return("max", std::get<0>(r), std::get<1>(r));
    } : +[](T x, int64_t dim, bool keepdim) {
      std::tuple<Tensor, Tensor> r;
      {
        py::gil_scoped_release g;
        r = ember::min(x, dim, keepdim);
      }
      return make_return("min", std::get<0>(r), std::get<1>(r));
    };
    auto elem = is_max ? +[](T x, T y) { return ember::maximum(x, y); } : +[](T x, T y) { return ember::minimum(x, y); };
    both(m, c, name, elem, py::arg("other"));
    m.def(name, along, py::arg("input"), py::arg("dim"), py::arg("keepdim") = false);
    c.def(name, along, py::arg("dim"), py::arg("keepdim") = false);
  }
  both(m, c, "amax", [](T x, IntList dim, bool keepdim) { return ember::amax(x, dim, keepdim); },
       py::arg("dim") = IntList{}, py::arg("keepdim") = false);
  both(m, c, "amin", [](T x, IntList dim, bool keepdim) { return ember::amin(x, dim, keepdim); },
       py::arg("dim") = IntList{}, py::arg("keepdim") = false);
  both(m, c, "argmax", [](T x, std::optional<int64_t> dim, bool keepdim) { return ember::argmax(x, dim, keepdim); },
       py::arg("dim") = py::none(), py::arg("keepdim") = false);
  both(m, c, "argmin", [](T x, std::optional<int64_t> dim, bool keepdim) { return ember::argmin(x, dim, keepdim); },
       py::arg("dim") = py::none(), py::arg("keepdim") = false);
  both(m, c, "logsumexp", [](T x, IntList dim, bool keepdim) { return ember::logsumexp(x, dim, keepdim); },
       py::arg("dim"), py::arg("keepdim") = false);
  // parses `p` with the GIL, so no call guard: it releases around the ember calls only
  // a string p is frobenius_norm or nuclear_norm, as torch 1.13's torch.norm
  auto norm = [](T x, py::object p, OptDim dim, bool keepdim, OptType dtype) {
    Scalar ps = 2;
    if (py::isinstance<py::str>(p)) {
      std::string s = p.cast<std::string>();
      if (s != "fro" && s != "nuc") throw py::value_error("norm: p must be a number, 'fro' or 'nuc', got '" + s + "'");
      py::gil_scoped_release g;
      Tensor in = dtype ? x.to(*dtype) : x;
      if (s == "fro") return ember::frobenius_norm(in, dims_or_all(dim), keepdim);
      return dim ? ember::nuclear_norm(in, dim->v, keepdim) : ember::nuclear_norm(in, keepdim);
    }
    if (!p.is_none()) ps = p.cast<Scalar>();
    py::gil_scoped_release g;
    Tensor in = dtype ? x.to(*dtype) : x;
    return dim ? ember::norm(in, ps, *dim, keepdim) : ember::norm(in, ps);
  };
  m.def("norm", norm, py::arg("input"), py::arg("p") = "fro", py::arg("dim") = py::none(), py::arg("keepdim") = false,
        py::arg("dtype") = py::none());
  c.def("norm", norm, py::arg("p") = "fro", py::arg("dim") = py::none(), py::arg("keepdim") = false,
        py::arg("dtype") = py::none());
  for (bool is_all : {true, false}) {
    const char* name = is_all ? "all" : "any";
    auto f = is_all ? +[](T x, std::optional<int64_t> dim, bool keepdim) {
      return dim ? ember::all(x, *dim, keepdim) : ember::all(x);
    } : +[](T x, std::optional<int64_t> dim, bool keepdim) { return dim ? ember::any(x, *dim, keepdim) : ember::any(x); };
    both(m, c, name, f, py::arg("dim") = py::none(), py::arg("keepdim") = false);
  }
  both(m, c, "count_nonzero", [](T x, OptDim dim) { return ember::count_nonzero(x, dims_or_all(dim)); },
       py::arg("dim") = py::none());
  both(m, c, "cumsum", [](T x, int64_t dim, OptType dtype) { return ember::cumsum(x, dim, dtype); }, py::arg("dim"),
       py::kw_only(), py::arg("dtype") = py::none());
  both(m, c, "cumprod", [](T x, int64_t dim, OptType dtype) { return ember::cumprod(x, dim, dtype); }, py::arg("dim"),
       py::kw_only(), py::arg("dtype") = py::none());
  both(m, c, "softmax", [](T x, int64_t dim, OptType dtype) { return ember::softmax(x, dim, dtype); }, py::arg("dim"),
       py::arg("dtype") = py::none());
  both(m, c, "log_softmax", [](T x, int64_t dim, OptType dtype) { return ember::log_softmax(x, dim, dtype); },
       py::arg("dim"), py::arg("dtype") = py::none());
  auto sort = [](T x, int64_t dim, bool descending, bool stable) {
    std::tuple<Tensor, Tensor> r;
    {
      py::gil_scoped_release g;
      r = ember::sort(x, dim, descending, stable);
    }
    return make_return("sort", std::get<0>(r), std::get<1>(r));
  };
  m.def("sort", sort, py::arg("input"), py::arg("dim") = -1, py::arg("descending") = false, py::kw_only(),
        py::arg("stable") = false);
  c.def("sort", sort, py::arg("dim") = -1, py::arg("descending") = false, py::kw_only(), py::arg("stable") = false);
  both(m, c, "argsort", [](T x, int64_t dim, bool descending) { return ember::argsort(x, dim, descending); },
       py::arg("dim") = -1, py::arg("descending") = false);
  auto topk = [](T x, int64_t k, int64_t dim, bool largest, bool sorted) {
    std::tuple<Tensor, Tensor> r;
    {
      py::gil_scoped_release g;
      r = ember::topk(x, k, dim, largest, sorted);
    }
    return make_return("topk", std::get<0>(r), std::get<1>(r));
  };
  m.def("topk", topk, py::arg("input"), py::arg("k"), py::arg("dim") = -1, py::arg("largest") = true,
        py::arg("sorted") = true);
  c.def("topk", topk, py::arg("k"), py::arg("dim") = -1, py::arg("largest") = true, py::arg("sorted") = true);
  auto unique = [](T x, bool sorted, bool return_inverse, bool return_counts, py::object dim) -> py::object {
    if (!dim.is_none()) {
      int64_t d = dim.cast<int64_t>(), n = std::max<int64_t>(x.dim(), 1);
      if (d < -n || d >= n)
        throw ember::IndexError("unique: Dimension out of range (expected to be in range of [" + std::to_string(-n) +
                                ", " + std::to_string(n - 1) + "], but got " + std::to_string(d) + ")");
      throw ember::NotImplementedError("unique: the dim argument is not supported");
    }
    std::tuple<Tensor, Tensor, Tensor> r;
    {
      py::gil_scoped_release g;
      r = ember::unique(x, sorted, return_inverse, return_counts);
    }
    if (!return_inverse && !return_counts) return py::cast(std::get<0>(r));
    py::list out;
    out.append(std::get<0>(r));
    if (return_inverse) out.append(std::get<1>(r));
    if (return_counts) out.append(std::get<2>(r));
    return py::tuple(out);
  };
  m.def("unique", unique, py::arg("input"), py::arg("sorted") = true, py::arg("return_inverse") = false,
        py::arg("return_counts") = false, py::arg("dim") = py::none());
  c.def("unique", unique, py::arg("sorted") = true, py::arg("return_inverse") = false,
        py::arg("return_counts") = false, py::arg("dim") = py::none());
}

void init_views(py::module_& m, py::class_<Tensor>& c) {
  m.def("reshape", [](T x, IntList shape) { return ember::reshape(x, shape); }, py::arg("input"), py::arg("shape"), release);
  m.def("permute", [](T x, IntList dims) { return ember::permute(x, dims); }, py::arg("input"), py::arg("dims"), release);
  m.def("flip", [](T x, IntList dims) { return ember::flip(x, dims); }, py::arg("input"), py::arg("dims"), release);
  both(m, c, "flatten", [](T x, int64_t s, int64_t e) { return ember::flatten(x, s, e); }, py::arg("start_dim") = 0,
       py::arg("end_dim") = -1);
  both(m, c, "unflatten", [](T x, int64_t dim, IntList sizes) { return ember::unflatten(x, dim, sizes); },
       py::arg("dim"), py::arg("sizes"));
  for (const char* name : {"transpose", "swapaxes", "swapdims"})
    both(m, c, name, [](T x, int64_t a, int64_t b) { return ember::transpose(x, a, b); }, py::arg("dim0"),
         py::arg("dim1"));
  both(m, c, "squeeze", [](T x, std::optional<int64_t> dim) { return dim ? ember::squeeze(x, *dim) : ember::squeeze(x); },
       py::arg("dim") = py::none());
  both(m, c, "unsqueeze", [](T x, int64_t dim) { return ember::unsqueeze(x, dim); }, py::arg("dim"));
  both(m, c, "narrow", [](T x, int64_t dim, int64_t start, int64_t length) { return ember::narrow(x, dim, start, length); },
       py::arg("dim"), py::arg("start"), py::arg("length"));
  c.def("unfold", [](T x, int64_t dimension, int64_t size, int64_t step) { return ember::unfold(x, dimension, size, step); },
        py::arg("dimension"), py::arg("size"), py::arg("step"));
  both(m, c, "select", [](T x, int64_t dim, int64_t index) { return ember::select(x, dim, index); }, py::arg("dim"),
       py::arg("index"));
  both(m, c, "chunk", [](T x, int64_t chunks, int64_t dim) { return ember::chunk(x, chunks, dim); }, py::arg("chunks"),
       py::arg("dim") = 0);
  auto split = [](T x, py::handle s, int64_t dim) {
    if (PyList_Check(s.ptr()) || PyTuple_Check(s.ptr())) {
      auto sizes = s.cast<IntList>();
      return py::tuple(py::cast(ember::split(x, sizes, dim)));
    }
    int64_t n;
    if (!int_from_python(s, n)) throw py::type_error("split(): argument 'split_size' must be int or list of ints");
    if (n <= 0 && !(n == 0 && x.dim() > 0 && x.size(dim) == 0))
      throw std::runtime_error("split expects split_size be non-negative, but got split_size=" + std::to_string(n));
    return py::tuple(py::cast(ember::split(x, n, dim)));
  };
  m.def("split", split, py::arg("tensor"), py::arg("split_size_or_sections"), py::arg("dim") = 0);
  c.def("split", split, py::arg("split_size"), py::arg("dim") = 0);
  both(m, c, "unbind", [](T x, int64_t dim) { return ember::unbind(x, dim); }, py::arg("dim") = 0);
  for (const char* name : {"cat", "concat", "concatenate"})
    m.def(name, [](const tensor_list& ts, int64_t dim) { return ember::cat(ts, dim); }, py::arg("tensors"),
          py::arg("dim") = 0, release);
  m.def("stack", [](const tensor_list& ts, int64_t dim) { return ember::stack(ts, dim); }, py::arg("tensors"),
        py::arg("dim") = 0, release);
  both(m, c, "roll", [](T x, IntList shifts, OptDim dims) { return ember::roll(x, shifts, dims_or_all(dims)); },
       py::arg("shifts"), py::arg("dims") = py::none());
  both(m, c, "tril", [](T x, int64_t d) { return ember::tril(x, d); }, py::arg("diagonal") = 0);
  both(m, c, "triu", [](T x, int64_t d) { return ember::triu(x, d); }, py::arg("diagonal") = 0);
  both(m, c, "diagonal", [](T x, int64_t off, int64_t d1, int64_t d2) { return ember::diagonal(x, off, d1, d2); },
       py::arg("offset") = 0, py::arg("dim1") = 0, py::arg("dim2") = 1);
  both(m, c, "as_strided", [](T x, IntList size, IntList stride, std::optional<int64_t> off) {
    return ember::as_strided(x, size, stride, off);
  }, py::arg("size"), py::arg("stride"), py::arg("storage_offset") = py::none());
  both(m, c, "broadcast_to", [](T x, IntList size) { return ember::broadcast_to(x, size); }, py::arg("size"));
  m.def("broadcast_shapes", [](py::args shapes) {
    std::vector<int64_t> out;
    for (auto s : shapes) out = ember::broadcast_shapes(out, s.cast<IntList>()).vec();
    return make_size(out);
  });
  m.def("broadcast_tensors", [](py::args tensors) {
    std::vector<int64_t> shape;
    for (auto t : tensors) shape = ember::broadcast_shapes(shape, t.cast<T>().sizes()).vec();
    tensor_list out;
    for (auto t : tensors) out.push_back(ember::broadcast_to(t.cast<T>(), shape));
    return py::tuple(py::cast(out));
  });
  c.def("sum_to_size", [](T x, py::args size) { return ember::sum_to_size(x, sizes_from_args(size, "sum_to_size")); });
}

void init_indexing(py::module_& m, py::class_<Tensor>& c) {
  both(m, c, "index_select", [](T x, int64_t dim, T index) { return ember::index_select(x, dim, index); },
       py::arg("dim"), py::arg("index"));
  both(m, c, "gather", [](T x, int64_t dim, T index, bool) { return ember::gather(x, dim, index); }, py::arg("dim"),
       py::arg("index"), py::kw_only(), py::arg("sparse_grad") = false);
  both(m, c, "scatter", [](T x, int64_t dim, T index, T src) { return ember::scatter(x, dim, index, src); },
       py::arg("dim"), py::arg("index"), py::arg("src"));
  both(m, c, "scatter", [](T x, int64_t dim, T index, S value) { return ember::scatter(x, dim, index, value); },
       py::arg("dim"), py::arg("index"), py::arg("value"));
  both(m, c, "scatter_add", [](T x, int64_t dim, T index, T src) { return ember::scatter_add(x, dim, index, src); },
       py::arg("dim"), py::arg("index"), py::arg("src"));
  both(m, c, "index_add", [](T x, int64_t dim, T index, T source, S alpha) {
    return ember::index_add(x, dim, index, source, alpha);
  }, py::arg("dim"), py::arg("index"), py::arg("source"), py::kw_only(), py::arg("alpha") = 1);
  // indices: a tuple of index tensors (None takes the whole dim), as torch
  auto optional_tensors = [](py::handle seq) {
    std::vector<std::optional<Tensor>> out;
    if (is_tensor(seq)) throw py::type_error("index_put(): argument 'indices' must be tuple of Tensors, not Tensor");
    for (auto h : seq) {
      if (h.is_none()) out.emplace_back(std::nullopt);
      else out.emplace_back(h.cast<Tensor>());
    }
    return out;
  };
  auto index_put = [optional_tensors](T x, py::handle indices, T values, bool accumulate) {
    auto idx = optional_tensors(indices);
    py::gil_scoped_release g;
    return ember::index_put(x, idx, values, accumulate);
  };
  m.def("index_put", index_put, py::arg("input"), py::arg("indices"), py::arg("values"), py::arg("accumulate") = false);
  c.def("index_put", index_put, py::arg("indices"), py::arg("values"), py::arg("accumulate") = false);
  c.def("index_put_", [optional_tensors](py::object self, py::handle indices, T values, bool accumulate) {
    auto idx = optional_tensors(indices);
    Tensor& x = self.cast<Tensor&>();
    {
      py::gil_scoped_release g;
      ember::index_put_(x, idx, values, accumulate);
    }
    return self;
  }, py::arg("indices"), py::arg("values"), py::arg("accumulate") = false);
  both(m, c, "masked_fill", [](T x, T mask, S value) { return ember::masked_fill(x, mask, value); }, py::arg("mask"),
       py::arg("value"));
  both(m, c, "masked_fill", [](T x, T mask, T value) { return ember::masked_fill(x, mask, value); }, py::arg("mask"),
       py::arg("value"));
  both(m, c, "masked_select", [](T x, T mask) { return ember::masked_select(x, mask); }, py::arg("mask"));
  both(m, c, "index_fill", [](T x, int64_t dim, T index, S value) { return ember::index_fill(x, dim, index, value); },
       py::arg("dim"), py::arg("index"), py::arg("value"));
  both(m, c, "index_fill", [](T x, int64_t dim, T index, T value) { return ember::index_fill(x, dim, index, value); },
       py::arg("dim"), py::arg("index"), py::arg("value"));
  auto nonzero = [](T x, bool as_tuple) -> py::object {
    Tensor nz;
    {
      py::gil_scoped_release g;
      nz = ember::nonzero(x);
    }
    if (!as_tuple) return py::cast(nz);
    if (x.dim() == 0) return py::make_tuple(ember::nonzero(x.unsqueeze(0)).select(1, 0));
    return py::tuple(py::cast(nz.unbind(1)));
  };
  m.def("nonzero", nonzero, py::arg("input"), py::kw_only(), py::arg("as_tuple") = false);
  c.def("nonzero", nonzero, py::kw_only(), py::arg("as_tuple") = false);
  both(m, c, "take_along_dim", [](T x, T idx, std::optional<int64_t> dim) { return ember::take_along_dim(x, idx, dim); },
       py::arg("indices"), py::arg("dim") = py::none());
  m.def("one_hot", [](T x, int64_t n) { return ember::one_hot(x, n); }, py::arg("tensor"),
        py::arg("num_classes") = -1, release);
}

void init_linalg(py::module_& m, py::class_<Tensor>& c) {
  both(m, c, "matmul", [](T x, T y) { return ember::matmul(x, y); }, py::arg("other"));
  both(m, c, "mm", [](T x, T y) { return ember::mm(x, y); }, py::arg("mat2"));
  both(m, c, "bmm", [](T x, T y) { return ember::bmm(x, y); }, py::arg("mat2"));
  both(m, c, "dot", [](T x, T y) { return ember::dot(x, y); }, py::arg("other"));
  both(m, c, "inner", [](T x, T y) { return ember::dot(x, y); }, py::arg("other"));
  both(m, c, "outer", [](T x, T y) { return ember::outer(x, y); }, py::arg("vec2"));
  both(m, c, "ger", [](T x, T y) { return ember::outer(x, y); }, py::arg("vec2"));
  both(m, c, "addmm", [](T x, T a, T b, S beta, S alpha) { return ember::addmm(x, a, b, beta, alpha); },
       py::arg("mat1"), py::arg("mat2"), py::kw_only(), py::arg("beta") = 1, py::arg("alpha") = 1);
  both(m, c, "baddbmm", [](T x, T a, T b, S beta, S alpha) { return ember::baddbmm(x, a, b, beta, alpha); },
       py::arg("batch1"), py::arg("batch2"), py::kw_only(), py::arg("beta") = 1, py::arg("alpha") = 1);
  m.def("einsum", [](const std::string& eq, py::args operands) {
    tensor_list ts;
    if (operands.size() == 1 && (PyList_Check(operands[0].ptr()) || PyTuple_Check(operands[0].ptr())))
      ts = operands[0].cast<tensor_list>();
    else
      ts = operands.cast<tensor_list>();
    py::gil_scoped_release g;
    return ember::einsum(eq, ts);
  }, py::arg("equation"));
  m.def("linear", [](T x, T w, std::optional<Tensor> b) { return ember::linear(x, w, b ? *b : Tensor()); },
        py::arg("input"), py::arg("weight"), py::arg("bias") = py::none(), release);
}

}  // namespace

void init_ops(py::module_& m, py::class_<Tensor>& c) {
  init_creation(m);
  init_pointwise(m, c);
  init_reductions(m, c);
  init_views(m, c);
  init_indexing(m, c);
  init_linalg(m, c);
}

}  // namespace ember_py
