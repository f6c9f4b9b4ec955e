// CPU registrations of the elementwise unary ops: one line each.
#include "common/unary_functors.h"
#include "cpu/elementwise_kernel.h"
#include "dispatch/registry.h"

namespace ember {
namespace cpu {
using namespace fn;

EMBER_REGISTER_KERNEL(neg, CPU, ew_kernel<Neg, NumericTypes, 1>);
EMBER_REGISTER_KERNEL(abs, CPU, ew_kernel<Abs, AllTypes, 1>);
EMBER_REGISTER_KERNEL(sign, CPU, ew_kernel<Sign, AllTypes, 1>);
EMBER_REGISTER_KERNEL(exp, CPU, ew_kernel<Exp, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(exp2, CPU, ew_kernel<Exp2, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(log, CPU, ew_kernel<Log, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(log2, CPU, ew_kernel<Log2, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(log10, CPU, ew_kernel<Log10, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(log1p, CPU, ew_kernel<Log1p, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(expm1, CPU, ew_kernel<Expm1, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(sqrt, CPU, ew_kernel<Sqrt, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(rsqrt, CPU, ew_kernel<Rsqrt, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(square, CPU, ew_kernel<Square, NumericTypes, 1>);
EMBER_REGISTER_KERNEL(reciprocal, CPU, ew_kernel<Reciprocal, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(sin, CPU, ew_kernel<Sin, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(cos, CPU, ew_kernel<Cos, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(tan, CPU, ew_kernel<Tan, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(asin, CPU, ew_kernel<Asin, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(acos, CPU, ew_kernel<Acos, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(atan, CPU, ew_kernel<Atan, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(sinh, CPU, ew_kernel<Sinh, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(cosh, CPU, ew_kernel<Cosh, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(tanh, CPU, ew_kernel<Tanh, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(sigmoid, CPU, ew_kernel<Sigmoid, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(relu, CPU, ew_kernel<Relu, NumericTypes, 1>);
EMBER_REGISTER_KERNEL(gelu, CPU, ew_kernel<Gelu, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(gelu_tanh, CPU, ew_kernel<GeluTanh, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(silu, CPU, ew_kernel<Silu, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(softplus, CPU, ew_kernel<Softplus, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(erf, CPU, ew_kernel<Erf, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(lgamma, CPU, ew_kernel<Lgamma, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(digamma, CPU, ew_kernel<Digamma, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(trigamma, CPU, ew_kernel<Trigamma, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(erfinv, CPU, ew_kernel<Erfinv, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(floor, CPU, ew_kernel<Floor, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(ceil, CPU, ew_kernel<Ceil, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(round, CPU, ew_kernel<Round, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(trunc, CPU, ew_kernel<Trunc, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(clamp, CPU, ew_kernel<Clamp, NumericTypes, 1>);
EMBER_REGISTER_KERNEL(nan_to_num, CPU, ew_kernel<NanToNum, FloatTypes, 1>);
EMBER_REGISTER_KERNEL(logical_not, CPU, ew_kernel<LogicalNot, AllTypes, 1, true>);
EMBER_REGISTER_KERNEL(bitwise_not, CPU, ew_kernel<BitwiseNot, IntBoolTypes, 1>);
EMBER_REGISTER_KERNEL(isnan, CPU, ew_kernel<IsNan, AllTypes, 1, true>);
EMBER_REGISTER_KERNEL(isinf, CPU, ew_kernel<IsInf, AllTypes, 1, true>);
EMBER_REGISTER_KERNEL(isfinite, CPU, ew_kernel<IsFinite, AllTypes, 1, true>);

}  // namespace cpu
}  // namespace ember
