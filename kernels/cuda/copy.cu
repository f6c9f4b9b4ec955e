// copy (strided, with dtype conversion) and fill on CUDA: what zeros, ones,
// contiguous() and to(dtype) need. Few instantiations: same-dtype copies
// and fills go by element size (1, 2, 4, 8 bytes), conversions through one
// kernel that switches on the dtypes at run time.
#include <cstring>
#include <type_traits>

#include "cuda/elementwise.cuh"
#include "dispatch/registry.h"

namespace ember {
namespace cuda {

namespace {

struct Identity {
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T x) const { return x; }
};

// A value read from any dtype: floating values as double, integers and
// bool exactly as int64.
struct AnyValue {
  double d;
  int64_t i;
  bool is_float;
};

__device__ inline AnyValue load_any(const char* p, ScalarType t) {
  switch (t) {
    case ScalarType::Float32: return {double(*reinterpret_cast<const float*>(p)), 0, true};
    case ScalarType::Float64: return {*reinterpret_cast<const double*>(p), 0, true};
    case ScalarType::Float16: return {double(float(*reinterpret_cast<const Half*>(p))), 0, true};
    case ScalarType::BFloat16: return {double(float(*reinterpret_cast<const BFloat16*>(p))), 0, true};
    case ScalarType::Bool: return {0, int64_t(*reinterpret_cast<const bool*>(p)), false};
    case ScalarType::UInt8: return {0, int64_t(*reinterpret_cast<const uint8_t*>(p)), false};
    case ScalarType::Int8: return {0, int64_t(*reinterpret_cast<const int8_t*>(p)), false};
    case ScalarType::Int16: return {0, int64_t(*reinterpret_cast<const int16_t*>(p)), false};
    case ScalarType::Int32: return {0, int64_t(*reinterpret_cast<const int32_t*>(p)), false};
    default: return {0, *reinterpret_cast<const int64_t*>(p), false};
  }
}

template <typename T>
__device__ inline void store_as(char* p, const AnyValue& v) {
  T r;
  if constexpr (std::is_same<T, bool>::value) r = v.is_float ? v.d != 0 : v.i != 0;
  // floating -> narrow integer through int64: wraps (as the CPU does for
  // in-range values) instead of the device's saturating conversion
  else if constexpr (std::is_integral<T>::value) r = static_cast<T>(v.is_float ? static_cast<int64_t>(v.d) : v.i);
  else r = v.is_float ? static_cast<T>(v.d) : static_cast<T>(v.i);
  *reinterpret_cast<T*>(p) = r;
}

__device__ inline void store_any(char* p, ScalarType t, const AnyValue& v) {
  switch (t) {
    case ScalarType::Float32: store_as<float>(p, v); break;
    case ScalarType::Float64: store_as<double>(p, v); break;
    case ScalarType::Float16: store_as<Half>(p, v); break;
    case ScalarType::BFloat16: store_as<BFloat16>(p, v); break;
    case ScalarType::Bool: store_as<bool>(p, v); break;
    case ScalarType::UInt8: store_as<uint8_t>(p, v); break;
    case ScalarType::Int8: store_as<int8_t>(p, v); break;
    case ScalarType::Int16: store_as<int16_t>(p, v); break;
    case ScalarType::Int32: store_as<int32_t>(p, v); break;
    default: store_as<int64_t>(p, v); break;
  }
}

__global__ void convert_kernel(index::StridedIndexer<2> ix, Pointers<2> ptr, int64_t numel, ScalarType dst_t,
                               ScalarType src_t) {
  const int64_t step = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < numel; i += step) {
    int64_t off[2];
    ix.offsets(i, off);
    store_any(ptr.p[0] + off[0], dst_t, load_any(ptr.p[1] + off[1], src_t));
  }
}

template <typename F>
void by_size(size_t size, const char* op, F&& f) {
  switch (size) {
    case 1: f(TypeTag<uint8_t>{}); break;
    case 2: f(TypeTag<uint16_t>{}); break;
    case 4: f(TypeTag<uint32_t>{}); break;
    case 8: f(TypeTag<uint64_t>{}); break;
    default: throw RuntimeError(::ember::detail::str(op, ": unsupported element size ", size));
  }
}

// dtypes[0] is the destination, dtypes[1] the source.
void copy_kernel(ElementwiseArgs& a) {
  if (a.numel == 0) return;
  if (a.dtypes[0] == a.dtypes[1]) {
    by_size(itemsize(a.dtypes[0]), a.name, [&](auto tag) {
      using U = EMBER_TYPE(tag);
      launch_elementwise<U, U, 1>(a, Identity{});
    });
    return;
  }
  auto ix = make_indexer<2>(a);
  Pointers<2> ptr{{a.data[0], a.data[1]}};
  detail::DeviceGuard guard(detail::device_of(a.data[0]));
  convert_kernel<<<grid_size(a.numel), kBlockSize>>>(ix, ptr, a.numel, a.dtypes[0], a.dtypes[1]);
  EMBER_CUDA_CHECK_LAUNCH();
}

template <typename U>
struct Constant {
  U v;
  EMBER_HOST_DEVICE U operator()() const { return v; }
};

// params: [0] value as double, [1] value as int64, [2] nonzero when the
// scalar was floating (as the CPU's fill_kernel).
void fill_kernel(ElementwiseArgs& a) {
  uint64_t bits = 0;  // the value in the destination dtype, as raw bytes
  dispatch_types<AllTypes>(a.dtypes[0], "fill_", [&](auto tag) {
    using T = EMBER_TYPE(tag);
    T v;
    if constexpr (std::is_integral<T>::value && !std::is_same<T, bool>::value)
      v = a.params[2] != 0 ? T(a.params[0]) : T(int64_t(a.params[1]));
    else if constexpr (std::is_same<T, bool>::value) v = a.params[0] != 0;
    else v = T(a.params[0]);
    std::memcpy(&bits, &v, sizeof(T));
  });
  by_size(itemsize(a.dtypes[0]), a.name, [&](auto tag) {
    using U = EMBER_TYPE(tag);
    U v;
    std::memcpy(&v, &bits, sizeof(U));
    launch_elementwise<U, U, 0>(a, Constant<U>{v});
  });
}

}  // namespace

EMBER_REGISTER_KERNEL(copy, CUDA, copy_kernel);
EMBER_REGISTER_KERNEL(fill, CUDA, fill_kernel);

}  // namespace cuda
}  // namespace ember
