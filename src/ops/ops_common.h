#pragma once

// What every op front end uses: checks, promotion, the elementwise
// launcher, and the autograd recorder. See Note [Elementwise arguments].

#include <initializer_list>
#include <optional>

#include "autograd/graph.h"
#include "core/tensor_impl.h"
#include "dispatch/dtype_switch.h"
#include "dispatch/kernel_args.h"
#include "dispatch/registry.h"
#include "ember/autograd.h"
#include "ember/ops.h"

namespace ember {
namespace detail {

/// Category of an elementwise op's dtype rule.
enum class Promote {
  Same,         // compute in the promoted type (add, mul, maximum)
  Float,        // integers and bool go to the default float (div, exp)
  Bool,         // compare in the promoted type, output bool (eq, lt)
  Integral,     // integers and bool only (bitwise ops)
};

/// An operand of an elementwise op: a tensor, or a weakly-typed scalar.
struct Operand {
  Operand(const Tensor& t) : tensor(&t) {}
  Operand(const Scalar& s) : scalar(s) {}
  const Tensor* tensor = nullptr;
  Scalar scalar;
};

struct EwSpec {
  OpId op;
  const char* name;
  Promote promote = Promote::Same;
  double params[3] = {0, 0, 0};
  bool param_set[3] = {false, false, false};
  /// Forces the compute dtype (after promotion checks).
  std::optional<ScalarType> compute;
};

/// PyTorch's result_type over tensors and weak scalars.
ScalarType result_type_of(std::initializer_list<Operand> ops);
/// The compute dtype for spec's promotion rule; throws TypeError for
/// dtypes the rule rejects.
ScalarType compute_type(const EwSpec& spec, ScalarType promoted);

/// Broadcasts, promotes and runs an elementwise kernel; allocates the
/// output with PyTorch's stride order, or writes into `out` (in-place ops:
/// out must have the broadcast shape and a dtype the result can cast to).
Tensor elementwise(const EwSpec& spec, std::initializer_list<Operand> inputs, Tensor* out = nullptr);

/// Runs an elementwise kernel whose operands already have their dtypes and
/// the output's shape (out first). For internal use (copy, fill, where).
void launch_elementwise(OpId op, const char* name, Device device, const tensor_list& operands,
                        const double* params = nullptr, const bool* param_set = nullptr);

/// A 0-d tensor holding `s` in dtype `t`.
Tensor scalar_tensor(const Scalar& s, ScalarType t, Device device = Device(kCPU));
/// Throws naming op and both devices when tensors are on different devices.
void check_same_device(const char* op, std::initializer_list<const Tensor*> ts);
void check_defined(const Tensor& t, const char* op);
/// Normalizes a list of dims (negative allowed) into a bitmask over ndim;
/// an empty list selects every dim. Repeated dims are an error.
std::vector<bool> dim_mask(IntArrayRef dims, int64_t ndim, const char* op);
/// Whether casting from `from` to `to` is allowed in an in-place op
/// (float -> int and int -> bool are not).
bool can_cast(ScalarType from, ScalarType to);
/// torch's name of a dtype in the messages torch writes with it ("Got Long").
const char* torch_name(ScalarType t);
/// The version counter bump every in-place op does.
inline void bump_version(const Tensor& t) { t.unsafe_impl()->storage()->version++; }
/// For in-place ops under autograd: makes `self` the output of the
/// recorded `result` (same shape) and copies result's data into self.
void rebase_history(Tensor& self, const Tensor& result, const char* op);
/// Checks an in-place op is allowed on self (not a leaf requiring grad).
void check_inplace(const Tensor& self, const char* op);

}  // namespace detail
}  // namespace ember
