// ember._C._linalg (ember.linalg) and torch's top-level linalg names
// (ember.inverse, det, slogdet, logdet, cholesky and their Tensor methods):
// one C++ call each, with torch's argument names and defaults. An ord is a
// number or a string; tuples come back as torch.return_types.linalg_*.
#include <ember/linalg.h>

#include "op_bindings.h"

namespace ember_py {
namespace {

using OptDouble = std::optional<double>;

py::handle linalg_error_type;

// Python float or int (torch also takes 0-d tensors for atol / rtol).
OptDouble opt_double(py::handle h) {
  if (h.is_none()) return std::nullopt;
  if (is_tensor(h)) return h.cast<Tensor>().item<double>();
  return h.cast<double>();
}

std::optional<ember::IntArrayRef> opt_dims(const OptDim& d) {
  if (!d) return std::nullopt;
  return ember::IntArrayRef(d->v);
}

void init_norms(py::module_& l) {
  l.def(
      "vector_norm",
      [](T x, S ord, OptDim dim, bool keepdim, OptType dtype) {
        return ember::linalg::vector_norm(x, ord, dims_or_all(dim), keepdim, dtype);
      },
      py::arg("x"), py::arg("ord") = 2, py::arg("dim") = py::none(), py::arg("keepdim") = false, py::kw_only(),
      py::arg("dtype") = py::none(), release);
  // ord: a number or "fro" / "nuc"; parsed with the GIL, released around the op
  l.def(
      "matrix_norm",
      [](T A, py::object ord, IntList dim, bool keepdim, OptType dtype) {
        if (py::isinstance<py::str>(ord)) {
          std::string s = ord.cast<std::string>();
          py::gil_scoped_release g;
          return ember::linalg::matrix_norm(A, s, dim, keepdim, dtype);
        }
        Scalar o = ord.cast<Scalar>();
        py::gil_scoped_release g;
        return ember::linalg::matrix_norm(A, o, dim, keepdim, dtype);
      },
      py::arg("A"), py::arg("ord") = "fro", py::arg("dim") = IntList{{-2, -1}}, py::arg("keepdim") = false,
      py::kw_only(), py::arg("dtype") = py::none());
  l.def(
      "norm",
      [](T A, py::object ord, OptDim dim, bool keepdim, OptType dtype) {
        if (py::isinstance<py::str>(ord)) {
          std::string s = ord.cast<std::string>();
          py::gil_scoped_release g;
          return ember::linalg::norm(A, s, opt_dims(dim), keepdim, dtype);
        }
        std::optional<Scalar> o;
        if (!ord.is_none()) o = ord.cast<Scalar>();
        py::gil_scoped_release g;
        return ember::linalg::norm(A, o, opt_dims(dim), keepdim, dtype);
      },
      py::arg("A"), py::arg("ord") = py::none(), py::arg("dim") = py::none(), py::arg("keepdim") = false, py::kw_only(),
      py::arg("dtype") = py::none());
}

void init_solvers(py::module_& l) {
  l.def(
      "inv", [](T A) { return ember::linalg::inv(A); }, py::arg("A"), release);
  l.def(
      "det", [](T A) { return ember::linalg::det(A); }, py::arg("A"), release);
  l.def(
      "slogdet",
      [](T A) {
        std::tuple<Tensor, Tensor> r;
        {
          py::gil_scoped_release g;
          r = ember::linalg::slogdet(A);
        }
        return make_return("linalg_slogdet", std::get<0>(r), std::get<1>(r));
      },
      py::arg("A"));
  l.def(
      "solve", [](T A, T B, bool left) { return ember::linalg::solve(A, B, left); }, py::arg("A"), py::arg("B"),
      py::kw_only(), py::arg("left") = true, release);
  l.def(
      "solve_triangular",
      [](T A, T B, bool upper, bool left, bool unitriangular) {
        return ember::linalg::solve_triangular(A, B, upper, left, unitriangular);
      },
      py::arg("A"), py::arg("B"), py::kw_only(), py::arg("upper"), py::arg("left") = true,
      py::arg("unitriangular") = false, release);
}

void check_driver(const std::optional<std::string>& driver, std::initializer_list<const char*> allowed,
                  const char* message) {
  if (!driver) return;
  for (const char* a : allowed)
    if (*driver == a) return;
  throw std::runtime_error(std::string(message) + ", got '" + *driver + "'");  // a RuntimeError, as torch's
}

void init_decompositions(py::module_& l) {
  l.def(
      "cholesky", [](T A, bool upper) { return ember::linalg::cholesky(A, upper); }, py::arg("A"), py::kw_only(),
      py::arg("upper") = false, release);
  l.def(
      "qr",
      [](T A, const std::string& mode) {
        std::tuple<Tensor, Tensor> r;
        {
          py::gil_scoped_release g;
          r = ember::linalg::qr(A, mode);
        }
        return make_return("linalg_qr", std::get<0>(r), std::get<1>(r));
      },
      py::arg("A"), py::arg("mode") = "reduced");
  l.def(
      "eigh",
      [](T A, const std::string& UPLO) {
        std::tuple<Tensor, Tensor> r;
        {
          py::gil_scoped_release g;
          r = ember::linalg::eigh(A, UPLO);
        }
        return make_return("linalg_eigh", std::get<0>(r), std::get<1>(r));
      },
      py::arg("A"), py::arg("UPLO") = "L");
  l.def(
      "eigvalsh", [](T A, const std::string& UPLO) { return ember::linalg::eigvalsh(A, UPLO); }, py::arg("A"),
      py::arg("UPLO") = "L", release);
  // driver: a cuSOLVER choice in torch, accepted and ignored on the CPU, as torch does
  l.def(
      "svd",
      [](T A, bool full_matrices, std::optional<std::string> driver) {
        std::tuple<Tensor, Tensor, Tensor> r;
        {
          py::gil_scoped_release g;
          r = ember::linalg::svd(A, full_matrices);
        }
        return make_return("linalg_svd", tensor_list{std::get<0>(r), std::get<1>(r), std::get<2>(r)});
      },
      py::arg("A"), py::arg("full_matrices") = true, py::kw_only(), py::arg("driver") = py::none());
  l.def(
      "svdvals", [](T A, std::optional<std::string> driver) { return ember::linalg::svdvals(A); }, py::arg("A"),
      py::kw_only(), py::arg("driver") = py::none(), release);
  l.def(
      "pinv",
      [](T A, py::object atol, py::object rtol, bool hermitian) {
        OptDouble a = opt_double(atol), r = opt_double(rtol);
        py::gil_scoped_release g;
        return ember::linalg::pinv(A, a, r, hermitian);
      },
      py::arg("A"), py::kw_only(), py::arg("atol") = py::none(), py::arg("rtol") = py::none(),
      py::arg("hermitian") = false);
  // torch 1.13's deprecated overload: pinv(A, rcond, hermitian) is rtol=rcond, atol=0
  l.def(
      "pinv",
      [](T A, py::object rcond, bool hermitian) {
        OptDouble r = opt_double(rcond);
        py::gil_scoped_release g;
        return ember::linalg::pinv(A, 0.0, r, hermitian);
      },
      py::arg("A"), py::arg("rcond"), py::arg("hermitian") = false);
  l.def(
      "matrix_rank",
      [](T A, py::object atol, py::object rtol, bool hermitian) {
        OptDouble a = opt_double(atol), r = opt_double(rtol);
        py::gil_scoped_release g;
        return ember::linalg::matrix_rank(A, a, r, hermitian);
      },
      py::arg("A"), py::kw_only(), py::arg("atol") = py::none(), py::arg("rtol") = py::none(),
      py::arg("hermitian") = false);
  // torch 1.13's deprecated overload: matrix_rank(A, tol, hermitian) is atol=tol, rtol=0
  l.def(
      "matrix_rank",
      [](T A, py::object tol, bool hermitian) {
        OptDouble a = opt_double(tol);
        py::gil_scoped_release g;
        return ember::linalg::matrix_rank(A, a, 0.0, hermitian);
      },
      py::arg("A"), py::arg("tol"), py::arg("hermitian") = false);
  // every driver gives the minimum-norm solution here (gelsy's algorithm)
  l.def(
      "lstsq",
      [](T A, T B, OptDouble rcond, std::optional<std::string> driver) {
        check_driver(driver, {"gels", "gelsy", "gelsd", "gelss"},
                     "linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)");
        std::tuple<Tensor, Tensor, Tensor, Tensor> r;
        {
          py::gil_scoped_release g;
          r = ember::linalg::lstsq(A, B, rcond);
        }
        return make_return("linalg_lstsq", tensor_list{std::get<0>(r), std::get<1>(r), std::get<2>(r), std::get<3>(r)});
      },
      py::arg("A"), py::arg("B"), py::arg("rcond") = py::none(), py::kw_only(), py::arg("driver") = py::none());
}

// torch.inverse, torch.det, ... and the Tensor methods of the same names
void init_top_level(py::module_& m, py::class_<Tensor>& c) {
  both(m, c, "inverse", [](T x) { return ember::inverse(x); });
  both(m, c, "det", [](T x) { return ember::det(x); });
  both(m, c, "logdet", [](T x) { return ember::logdet(x); });
  both(
      m, c, "cholesky", [](T x, bool upper) { return ember::cholesky(x, upper); }, py::arg("upper") = false);
  auto slogdet = [](T x) {
    std::tuple<Tensor, Tensor> r;
    {
      py::gil_scoped_release g;
      r = ember::slogdet(x);
    }
    return make_return("slogdet", std::get<0>(r), std::get<1>(r));
  };
  m.def("slogdet", slogdet, py::arg("input"));
  c.def("slogdet", slogdet);
}

}  // namespace

void init_linalg_module(py::module_& m, py::class_<Tensor>& c) {
  py::module_ l = m.def_submodule("_linalg", "torch.linalg's functions (ember.linalg)");
  // torch.linalg.LinAlgError: a RuntimeError for singular or indefinite inputs
  linalg_error_type = py::exception<ember::LinAlgError>(m, "_LinAlgError", PyExc_RuntimeError).release();
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ember::LinAlgError& e) {
      PyErr_SetString(linalg_error_type.ptr(), e.what());
    }
  });
  init_norms(l);
  init_solvers(l);
  init_decompositions(l);
  init_top_level(m, c);
}

}  // namespace ember_py
