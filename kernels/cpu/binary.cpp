// CPU registrations of the elementwise binary and ternary ops.
#include "common/binary_functors.h"
#include "cpu/elementwise_kernel.h"
#include "dispatch/registry.h"

namespace ember {
namespace cpu {
using namespace fn;

EMBER_REGISTER_KERNEL(add, CPU, ew_kernel<Add, AllTypes, 2>);
EMBER_REGISTER_KERNEL(sub, CPU, ew_kernel<Sub, NumericTypes, 2>);
EMBER_REGISTER_KERNEL(mul, CPU, ew_kernel<Mul, AllTypes, 2>);
EMBER_REGISTER_KERNEL(div, CPU, ew_kernel<Div, FloatTypes, 2>);
EMBER_REGISTER_KERNEL(div_trunc, CPU, ew_kernel<DivTrunc, NumericTypes, 2>);
EMBER_REGISTER_KERNEL(div_floor, CPU, ew_kernel<DivFloor, NumericTypes, 2>);
EMBER_REGISTER_KERNEL(pow, CPU, ew_kernel<Pow, AllTypes, 2>);
EMBER_REGISTER_KERNEL(remainder, CPU, ew_kernel<Remainder, NumericTypes, 2>);
EMBER_REGISTER_KERNEL(fmod, CPU, ew_kernel<Fmod, NumericTypes, 2>);
EMBER_REGISTER_KERNEL(maximum, CPU, ew_kernel<Maximum, AllTypes, 2>);
EMBER_REGISTER_KERNEL(minimum, CPU, ew_kernel<Minimum, AllTypes, 2>);
EMBER_REGISTER_KERNEL(atan2, CPU, ew_kernel<Atan2, FloatTypes, 2>);
EMBER_REGISTER_KERNEL(eq, CPU, ew_kernel<Eq, AllTypes, 2, true>);
EMBER_REGISTER_KERNEL(ne, CPU, ew_kernel<Ne, AllTypes, 2, true>);
EMBER_REGISTER_KERNEL(lt, CPU, ew_kernel<Lt, AllTypes, 2, true>);
EMBER_REGISTER_KERNEL(le, CPU, ew_kernel<Le, AllTypes, 2, true>);
EMBER_REGISTER_KERNEL(gt, CPU, ew_kernel<Gt, AllTypes, 2, true>);
EMBER_REGISTER_KERNEL(ge, CPU, ew_kernel<Ge, AllTypes, 2, true>);
EMBER_REGISTER_KERNEL(logical_and, CPU, ew_kernel<LogicalAnd, AllTypes, 2, true>);
EMBER_REGISTER_KERNEL(logical_or, CPU, ew_kernel<LogicalOr, AllTypes, 2, true>);
EMBER_REGISTER_KERNEL(logical_xor, CPU, ew_kernel<LogicalXor, AllTypes, 2, true>);
EMBER_REGISTER_KERNEL(bitwise_and, CPU, ew_kernel<BitwiseAnd, IntBoolTypes, 2>);
EMBER_REGISTER_KERNEL(bitwise_or, CPU, ew_kernel<BitwiseOr, IntBoolTypes, 2>);
EMBER_REGISTER_KERNEL(bitwise_xor, CPU, ew_kernel<BitwiseXor, IntBoolTypes, 2>);
EMBER_REGISTER_KERNEL(bitwise_left_shift, CPU, ew_kernel<LeftShift, IntTypes, 2>);
EMBER_REGISTER_KERNEL(bitwise_right_shift, CPU, ew_kernel<RightShift, IntTypes, 2>);
EMBER_REGISTER_KERNEL(lerp, CPU, ew_kernel<Lerp, FloatTypes, 3>);
EMBER_REGISTER_KERNEL(clamp_tensor, CPU, ew_kernel<ClampTensor, NumericTypes, 3>);
EMBER_REGISTER_KERNEL(isclose, CPU, ew_kernel<IsClose, AllTypes, 2, true>);
EMBER_REGISTER_KERNEL(relu_backward, CPU, ew_kernel<ReluBackward, NumericTypes, 2>);

// where(cond, a, b): the condition is bool, a and b share the output dtype.
struct Where {
  template <typename T>
  T operator()(bool c, T a, T b) const { return c ? a : b; }
};
void where_kernel(ElementwiseArgs& a) {
  dispatch_types<AllTypes>(a.dtypes[0], "where", [&](auto tag) {
    using T = EMBER_TYPE(tag);
    elementwise<T, bool, T, T>(a, Where{});
  });
}
EMBER_REGISTER_KERNEL(where, CPU, where_kernel);

}  // namespace cpu
}  // namespace ember
