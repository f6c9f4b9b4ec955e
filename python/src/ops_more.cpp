// The composed ops (src/ops/composite.cpp) and the special functions
// (src/ops/special.cpp) as ember.<op> functions and, where torch has one, as
// Tensor methods, with torch's argument names and defaults. Each binding
// forwards to one C++ call; argument forms torch accepts (an int or a list,
// a number in place of a tensor) are sorted out here.
#include "op_bindings.h"

namespace ember_py {
namespace {

// f(a, b) or f([a, b]): torch's *tensors arguments
tensor_list tensors_from_args(const py::args& args) {
  if (args.size() == 1 && (PyList_Check(args[0].ptr()) || PyTuple_Check(args[0].ptr())))
    return args[0].cast<tensor_list>();
  return args.cast<tensor_list>();
}

// A Python number as a 0-d tensor of `like`'s dtype and device (searchsorted
// and bucketize take a scalar value).
Tensor scalar_like(const Scalar& s, const Tensor& like) {
  return ember::full({}, s, ember::TensorOptions().dtype(like.dtype()).device(like.device()));
}

std::vector<int64_t> int_list(py::handle h, const char* what) {
  std::vector<int64_t> v;
  if (!int_list_from_python(h, v)) throw py::type_error(std::string(what) + " must be an int or a sequence of ints");
  return v;
}

// torch.return_types.<name>(a, b), built with the GIL held.
template <typename F>
py::object returning(const char* name, F f) {
  std::tuple<Tensor, Tensor> r;
  {
    py::gil_scoped_release g;
    r = f();
  }
  return make_return(name, std::get<0>(r), std::get<1>(r));
}

void init_shapes(py::module_& m, py::class_<Tensor>& c) {
  m.def("hstack", [](const tensor_list& ts) { return ember::hstack(ts); }, py::arg("tensors"), release);
  m.def("vstack", [](const tensor_list& ts) { return ember::vstack(ts); }, py::arg("tensors"), release);
  m.def("row_stack", [](const tensor_list& ts) { return ember::vstack(ts); }, py::arg("tensors"), release);
  m.def("dstack", [](const tensor_list& ts) { return ember::dstack(ts); }, py::arg("tensors"), release);
  m.def("column_stack", [](const tensor_list& ts) { return ember::column_stack(ts); }, py::arg("tensors"), release);
  m.def("meshgrid", [](py::args tensors, std::optional<std::string> indexing) {
    tensor_list ts = tensors_from_args(tensors);
    tensor_list grids;
    {
      py::gil_scoped_release g;
      grids = ember::meshgrid(ts, indexing.value_or("ij"));
    }
    return py::tuple(py::cast(grids));
  }, py::kw_only(), py::arg("indexing") = py::none());
  for (const char* name : {"movedim", "moveaxis"})
    both(m, c, name, [](T x, IntList source, IntList destination) { return ember::movedim(x, source, destination); },
         py::arg("source"), py::arg("destination"));
  // an int (sections), a list of indices, or a 0-d/1-D int64 tensor of either
  auto tensor_split = [](T x, py::object ios, int64_t dim) {
    tensor_list out;
    int64_t sections;
    if (is_tensor(ios)) {
      Tensor t = ios.cast<Tensor>();
      if (t.dtype() != ember::kInt64 || t.dim() > 1)
        throw std::runtime_error(ember::detail::str(
            "tensor_split: expected tensor_indices_or_sections to be a 0-D or 1-D int64 tensor, got a ", t.dtype(),
            " tensor of shape ", t.sizes()));
      if (t.dim() == 0) {
        sections = t.item<int64_t>();
        py::gil_scoped_release g;
        out = ember::tensor_split(x, sections, dim);
      } else {
        Tensor c = t.cpu().contiguous();
        std::vector<int64_t> idx(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
        py::gil_scoped_release g;
        out = ember::tensor_split_indices(x, idx, dim);
      }
    } else if (int_from_python(ios, sections)) {
      py::gil_scoped_release g;
      out = ember::tensor_split(x, sections, dim);
    } else {
      std::vector<int64_t> idx = int_list(ios, "tensor_split(): indices_or_sections");
      py::gil_scoped_release g;
      out = ember::tensor_split_indices(x, idx, dim);
    }
    return py::tuple(py::cast(out));
  };
  m.def("tensor_split", tensor_split, py::arg("input"), py::arg("indices_or_sections"), py::arg("dim") = 0);
  c.def("tensor_split", tensor_split, py::arg("indices_or_sections"), py::arg("dim") = 0);
  m.def("tile", [](T x, IntList dims) { return ember::tile(x, dims); }, py::arg("input"), py::arg("dims"), release);
  c.def("tile", [](T x, py::args dims) {
    auto d = sizes_from_args(dims, "tile");
    py::gil_scoped_release g;
    return ember::tile(x, d);
  });
  both(m, c, "repeat_interleave", [](T x, int64_t repeats, std::optional<int64_t> dim, std::optional<int64_t>) {
    return ember::repeat_interleave(x, repeats, dim);
  }, py::arg("repeats"), py::arg("dim") = py::none(), py::kw_only(), py::arg("output_size") = py::none());
  both(m, c, "repeat_interleave", [](T x, T repeats, std::optional<int64_t> dim, std::optional<int64_t>) {
    return ember::repeat_interleave(x, repeats, dim);
  }, py::arg("repeats"), py::arg("dim") = py::none(), py::kw_only(), py::arg("output_size") = py::none());
  m.def("repeat_interleave", [](T repeats, std::optional<int64_t>) { return ember::repeat_interleave(repeats); },
        py::arg("input"), py::kw_only(), py::arg("output_size") = py::none(), release);
  both(m, c, "rot90", [](T x, int64_t k, IntList dims) { return ember::rot90(x, k, dims); }, py::arg("k") = 1,
       py::arg("dims") = std::vector<int64_t>{0, 1});
  both(m, c, "diag", [](T x, int64_t d) { return ember::diag(x, d); }, py::arg("diagonal") = 0);
  both(m, c, "diag_embed", [](T x, int64_t offset, int64_t dim1, int64_t dim2) {
    return ember::diag_embed(x, offset, dim1, dim2);
  }, py::arg("offset") = 0, py::arg("dim1") = -2, py::arg("dim2") = -1);
  both(m, c, "trace", [](T x) { return ember::trace(x); });
}

void init_math(py::module_& m, py::class_<Tensor>& c) {
  both(m, c, "kron", [](T x, T y) { return ember::kron(x, y); }, py::arg("other"));
  both(m, c, "cross", [](T x, T y, std::optional<int64_t> dim) { return ember::cross(x, y, dim); }, py::arg("other"),
       py::arg("dim") = py::none());
  // dims: an int, a pair of int lists, or a [2, k] tensor of them
  m.def("tensordot", [](T a, T b, py::object dims, py::object) {
    int64_t n;
    if (!is_tensor(dims) && int_from_python(dims, n)) {
      py::gil_scoped_release g;
      return ember::tensordot(a, b, n);
    }
    std::vector<int64_t> da, db;
    if (is_tensor(dims)) {
      Tensor t = dims.cast<Tensor>().to(ember::kInt64).cpu().contiguous();
      if (t.dim() == 0) {
        py::gil_scoped_release g;
        return ember::tensordot(a, b, t.item<int64_t>());
      }
      if (t.dim() != 2 || t.size(0) != 2)
        throw std::runtime_error("tensordot(): a dims tensor must be 0-D or of shape [2, k], got " +
                                 ember::detail::str(t.sizes()));
      const int64_t* p = t.data_ptr<int64_t>();
      da.assign(p, p + t.size(1));
      db.assign(p + t.size(1), p + 2 * t.size(1));
      py::gil_scoped_release g;
      return ember::tensordot(a, b, da, db);
    }
    py::sequence seq = dims.cast<py::sequence>();
    if (seq.size() != 2)
      throw py::type_error("tensordot(): dims must be an int or a pair of lists of dims, got a sequence of length " +
                           std::to_string(seq.size()));
    da = int_list(seq[0], "tensordot(): dims[0]");
    db = int_list(seq[1], "tensordot(): dims[1]");
    py::gil_scoped_release g;
    return ember::tensordot(a, b, da, db);
  }, py::arg("a"), py::arg("b"), py::arg("dims") = 2, py::arg("out") = py::none());
  both(m, c, "mv", [](T x, T v) { return ember::mv(x, v); }, py::arg("vec"));
  both(m, c, "addcmul", [](T x, T a, T b, S value) { return ember::addcmul(x, a, b, value); }, py::arg("tensor1"),
       py::arg("tensor2"), py::kw_only(), py::arg("value") = 1);
  both(m, c, "addcdiv", [](T x, T a, T b, S value) { return ember::addcdiv(x, a, b, value); }, py::arg("tensor1"),
       py::arg("tensor2"), py::kw_only(), py::arg("value") = 1);
  m.def("cdist", [](T x1, T x2, double p, py::object) { return ember::cdist(x1, x2, p); }, py::arg("x1"),
        py::arg("x2"), py::arg("p") = 2.0, py::arg("compute_mode") = py::none(), release);
  both(m, c, "hypot", [](T x, T y) { return ember::hypot(x, y); }, py::arg("other"));
  both(m, c, "xlogy", [](T x, T y) { return ember::xlogy(x, y); }, py::arg("other"));
  both(m, c, "xlogy", [](T x, S y) { return ember::xlogy(x, y); }, py::arg("other"));
  m.def("xlogy", [](S x, T y) { return ember::xlogy(x, y); }, py::arg("input"), py::arg("other"), release);
  m.def("logspace", [](S start, S end, int64_t steps, double base, OptType dtype, OptDevice device, bool rg) {
    return ember::logspace(start, end, steps, base, make_options(dtype, device, rg));
  }, py::arg("start"), py::arg("end"), py::arg("steps"), py::arg("base") = 10.0, py::kw_only(),
        py::arg("dtype") = py::none(), py::arg("device") = py::none(), py::arg("requires_grad") = false, release);
  for (const char* name : {"lgamma", "digamma", "erfinv"}) {
    auto f = name[0] == 'l' ? +[](T x) { return ember::lgamma(x); }
             : name[0] == 'd' ? +[](T x) { return ember::digamma(x); }
                              : +[](T x) { return ember::erfinv(x); };
    m.def(name, f, py::arg("input"), release);
    c.def(name, f, release);
  }
  m.def("polygamma", [](int64_t n, T x) { return ember::polygamma(n, x); }, py::arg("n"), py::arg("input"), release);
  c.def("polygamma", [](T x, int64_t n) { return ember::polygamma(n, x); }, py::arg("n"), release);
}

void init_reductions(py::module_& m, py::class_<Tensor>& c) {
  both(m, c, "diff", [](T x, int64_t n, int64_t dim, OptTensor prepend, OptTensor append) {
    return ember::diff(x, n, dim, prepend ? *prepend : Tensor(), append ? *append : Tensor());
  }, py::arg("n") = 1, py::arg("dim") = -1, py::arg("prepend") = py::none(), py::arg("append") = py::none());
  both(m, c, "nansum", [](T x, OptDim dim, bool keepdim, OptType dtype) {
    return ember::nansum(x, dims_or_all(dim), keepdim, dtype);
  }, py::arg("dim") = py::none(), py::arg("keepdim") = false, py::kw_only(), py::arg("dtype") = py::none());
  both(m, c, "nanmean", [](T x, OptDim dim, bool keepdim, OptType dtype) {
    return ember::nanmean(x, dims_or_all(dim), keepdim, dtype);
  }, py::arg("dim") = py::none(), py::arg("keepdim") = false, py::kw_only(), py::arg("dtype") = py::none());
  auto cummax = [](T x, int64_t dim) { return returning("cummax", [&] { return ember::cummax(x, dim); }); };
  auto cummin = [](T x, int64_t dim) { return returning("cummin", [&] { return ember::cummin(x, dim); }); };
  m.def("cummax", cummax, py::arg("input"), py::arg("dim"));
  c.def("cummax", cummax, py::arg("dim"));
  m.def("cummin", cummin, py::arg("input"), py::arg("dim"));
  c.def("cummin", cummin, py::arg("dim"));
  // median(): the lower median of all elements; median(dim): (values, indices)
  m.def("median", [](T x) { return ember::median(x); }, py::arg("input"), release);
  c.def("median", [](T x) { return ember::median(x); }, release);
  auto median_dim = [](T x, int64_t dim, bool keepdim) {
    return returning("median", [&] { return ember::median(x, dim, keepdim); });
  };
  m.def("median", median_dim, py::arg("input"), py::arg("dim"), py::arg("keepdim") = false);
  c.def("median", median_dim, py::arg("dim"), py::arg("keepdim") = false);
  auto aminmax = [](T x, std::optional<int64_t> dim, bool keepdim) {
    return returning("aminmax", [&] { return ember::aminmax(x, dim, keepdim); });
  };
  m.def("aminmax", aminmax, py::arg("input"), py::kw_only(), py::arg("dim") = py::none(), py::arg("keepdim") = false);
  c.def("aminmax", aminmax, py::kw_only(), py::arg("dim") = py::none(), py::arg("keepdim") = false);
}

void init_searching(py::module_& m, py::class_<Tensor>& c) {
  both(m, c, "bincount", [](T x, OptTensor weights, int64_t minlength) {
    return ember::bincount(x, weights ? *weights : Tensor(), minlength);
  }, py::arg("weights") = py::none(), py::arg("minlength") = 0);
  // side ("left" | "right") is the newer spelling of right
  auto right_of = [](bool right, const std::optional<std::string>& side) {
    if (!side) return right;
    if (*side != "left" && *side != "right")
      throw std::runtime_error("searchsorted: side can only be 'left' or 'right', got '" + *side + "'");
    if (right && *side == "left")
      throw std::runtime_error("searchsorted: side and right can't be set to opposites, got side of left while "
                               "right was True");
    return *side == "right";
  };
  m.def("searchsorted", [right_of](T seq, T x, bool out_int32, bool right, std::optional<std::string> side,
                                   OptTensor sorter) {
    bool r = right_of(right, side);
    py::gil_scoped_release g;
    return ember::searchsorted(seq, x, out_int32, r, sorter ? *sorter : Tensor());
  }, py::arg("sorted_sequence"), py::arg("input"), py::kw_only(), py::arg("out_int32") = false,
        py::arg("right") = false, py::arg("side") = py::none(), py::arg("sorter") = py::none());
  m.def("searchsorted", [right_of](T seq, S x, bool out_int32, bool right, std::optional<std::string> side,
                                   OptTensor sorter) {
    bool r = right_of(right, side);
    py::gil_scoped_release g;
    return ember::searchsorted(seq, scalar_like(x, seq), out_int32, r, sorter ? *sorter : Tensor());
  }, py::arg("sorted_sequence"), py::arg("input"), py::kw_only(), py::arg("out_int32") = false,
        py::arg("right") = false, py::arg("side") = py::none(), py::arg("sorter") = py::none());
  m.def("bucketize", [](T x, T boundaries, bool out_int32, bool right) {
    return ember::bucketize(x, boundaries, out_int32, right);
  }, py::arg("input"), py::arg("boundaries"), py::kw_only(), py::arg("out_int32") = false, py::arg("right") = false,
        release);
  m.def("bucketize", [](S x, T boundaries, bool out_int32, bool right) {
    return ember::bucketize(scalar_like(x, boundaries), boundaries, out_int32, right);
  }, py::arg("input"), py::arg("boundaries"), py::kw_only(), py::arg("out_int32") = false, py::arg("right") = false,
        release);
  both(m, c, "take", [](T x, T index) { return ember::take(x, index); }, py::arg("index"));
}

// torch's window functions: (window_length, periodic=True, <parameters>, *,
// dtype, layout, device, requires_grad).
void init_windows(py::module_& m) {
  using py::arg;
#define EMBER_WINDOW(name)                                                                            \
  m.def(#name, [](int64_t n, bool periodic, OptType dtype, py::object, OptDevice device, bool rg) { \
    return ember::name(n, periodic, make_options(dtype, device, rg));                               \
  }, arg("window_length"), arg("periodic") = true, py::kw_only(), arg("dtype") = py::none(),          \
        arg("layout") = py::none(), arg("device") = py::none(), arg("requires_grad") = false, release);
  EMBER_WINDOW(hann_window)
  EMBER_WINDOW(blackman_window)
  EMBER_WINDOW(bartlett_window)
#undef EMBER_WINDOW
  m.def("hamming_window", [](int64_t n, bool periodic, double alpha, double beta, OptType dtype, py::object,
                             OptDevice device, bool rg) {
    return ember::hamming_window(n, periodic, alpha, beta, make_options(dtype, device, rg));
  }, arg("window_length"), arg("periodic") = true, arg("alpha") = 0.54, arg("beta") = 0.46, py::kw_only(),
        arg("dtype") = py::none(), arg("layout") = py::none(), arg("device") = py::none(),
        arg("requires_grad") = false, release);
  m.def("kaiser_window", [](int64_t n, bool periodic, double beta, OptType dtype, py::object, OptDevice device,
                            bool rg) {
    return ember::kaiser_window(n, periodic, beta, make_options(dtype, device, rg));
  }, arg("window_length"), arg("periodic") = true, arg("beta") = 12.0, py::kw_only(), arg("dtype") = py::none(),
        arg("layout") = py::none(), arg("device") = py::none(), arg("requires_grad") = false, release);
}

}  // namespace

void init_ops_more(py::module_& m, py::class_<Tensor>& c) {
  init_shapes(m, c);
  init_math(m, c);
  init_reductions(m, c);
  init_searching(m, c);
  init_windows(m);
}

}  // namespace ember_py
