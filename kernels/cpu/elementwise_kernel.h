#pragma once

#include "common/functor_params.h"
#include "cpu/loops.h"
#include "cpu/vec_functors.h"

namespace ember {
namespace cpu {

/// The one CPU kernel template for elementwise ops: NIn inputs of one dtype
/// from `Types`; the output has that dtype, or bool when BoolOut.
template <typename F, typename Types, int NIn, bool BoolOut = false>
void ew_kernel(ElementwiseArgs& a) {
  const F f = fn::FromParams<F>::make(a);
  dispatch_types<Types>(a.dtypes[1], a.name, [&](auto tag) {
    using T = EMBER_TYPE(tag);
    using Out = std::conditional_t<BoolOut, bool, T>;
    if constexpr (NIn == 1) elementwise<Out, T>(a, f);
    else if constexpr (NIn == 2) elementwise<Out, T, T>(a, f);
    else elementwise<Out, T, T, T>(a, f);
  });
}

}  // namespace cpu
}  // namespace ember
