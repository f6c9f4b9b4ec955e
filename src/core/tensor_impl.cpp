#include "core/tensor_impl.h"

#include "core/allocator.h"
#include "dispatch/registry.h"

namespace ember {

Storage::Storage(size_t n, Device d) : nbytes(n), device(d) {
  if (d.is_cpu()) {
    data = detail::cpu_allocate(n);
  } else {
    data = detail::device_allocate(d, n);
  }
}

Storage::Storage(void* p, size_t n, Device d, std::function<void(void*)> del)
    : data(p), nbytes(n), device(d), deleter(std::move(del)), owned(false) {}

Storage::~Storage() {
  if (!owned) {
    if (deleter) deleter(data);
    return;
  }
  if (device.is_cpu()) detail::cpu_free(data, nbytes);
  else detail::device_free(device, data, nbytes);
}

TensorImpl::TensorImpl(std::shared_ptr<Storage> storage, IntArrayRef sizes, IntArrayRef strides,
                       int64_t offset, ScalarType dtype)
    : storage_(std::move(storage)), sizes_(sizes), strides_(strides), offset_(offset), dtype_(dtype) {
  refresh();
}

void TensorImpl::set_geometry(IntArrayRef sizes, IntArrayRef strides, int64_t offset) {
  sizes_ = sizes;
  strides_ = strides;
  offset_ = offset;
  refresh();
}

void TensorImpl::refresh() {
  int64_t n = 1;
  for (auto s : sizes_) {
    EMBER_CHECK(s >= 0, "invalid tensor size ", IntArrayRef(sizes_), ": negative dimension");
    EMBER_CHECK(!__builtin_mul_overflow(n, s, &n), "tensor of size ", IntArrayRef(sizes_),
                " has too many elements (overflows int64)");
  }
  numel_ = n;
  // Contiguous as torch defines it: dims of size 1 may have any stride.
  contiguous_ = true;
  if (n == 0) return;
  int64_t expected = 1;
  for (int64_t i = int64_t(sizes_.size()) - 1; i >= 0; --i) {
    if (sizes_[i] == 1) continue;
    if (strides_[i] != expected) {
      contiguous_ = false;
      return;
    }
    expected *= sizes_[i];
  }
}

namespace detail {

Shape contiguous_strides(IntArrayRef sizes) {
  Shape st(sizes.size());
  int64_t s = 1;
  for (int64_t i = int64_t(sizes.size()) - 1; i >= 0; --i) {
    st[i] = s;
    s *= sizes[i] > 1 ? sizes[i] : 1;
  }
  return st;
}

int64_t checked_numel(IntArrayRef sizes, const char* op) {
  int64_t n = 1;
  for (auto s : sizes) {
    EMBER_CHECK(s >= 0, op, ": negative dimension ", s, " in size ", sizes);
    if (__builtin_mul_overflow(n, s, &n)) {
      throw RuntimeError(str(op, ": size ", sizes, " has too many elements (overflows int64)"));
    }
  }
  return n;
}

namespace {
// Small CPU tensors keep their bytes inside the Storage object: one
// allocation instead of two for the scalars and tiny tensors of hot loops.
struct InlineStorage : Storage {
  static constexpr size_t kBytes = 64;
  InlineStorage(size_t n, Device d) : Storage(buf, n, d, nullptr) {}
  alignas(16) unsigned char buf[kBytes];
};
}  // namespace

Tensor make_tensor(IntArrayRef sizes, ScalarType dtype, Device device) {
  if (device.is_cuda() && device.index() < 0) device = Device(kCUDA, 0);  // "cuda" means the current device
  int64_t n = checked_numel(sizes, "empty");
  size_t bytes;
  EMBER_CHECK(!__builtin_mul_overflow(size_t(n), itemsize(dtype), &bytes) && bytes < (size_t(1) << 62),
              "empty: size ", sizes, " is too large");
  std::shared_ptr<Storage> storage;
  if (device.is_cpu() && bytes <= InlineStorage::kBytes) storage = std::make_shared<InlineStorage>(bytes, device);
  else storage = std::make_shared<Storage>(bytes, device);
  return Tensor(std::make_shared<TensorImpl>(std::move(storage), sizes, contiguous_strides(sizes), 0, dtype));
}

Tensor make_view(const Tensor& base, IntArrayRef sizes, IntArrayRef strides, int64_t offset) {
  TensorImpl* b = base.unsafe_impl();
  return Tensor(std::make_shared<TensorImpl>(b->storage(), sizes, strides, offset, b->dtype()));
}

int64_t wrap_dim(int64_t dim, int64_t ndim, const char* op) {
  int64_t n = ndim > 0 ? ndim : 1;  // a 0-d tensor accepts dim 0 and -1
  EMBER_CHECK_INDEX(dim >= -n && dim < n, op, ": dim ", dim, " is out of range for a tensor of ",
                    ndim, " dims (expected ", -n, "..", n - 1, ")");
  return dim < 0 ? dim + n : dim;
}

}  // namespace detail
}  // namespace ember
