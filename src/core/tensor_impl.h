#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "core/storage.h"
#include "ember/autograd.h"
#include "ember/shape.h"
#include "ember/tensor.h"

namespace ember {

// Autograd state of a tensor; absent (null) for tensors that never took part
// in autograd, which keeps plain tensors small.
struct AutogradMeta {
  Tensor grad;
  std::shared_ptr<autograd::Node> grad_fn;
  std::weak_ptr<autograd::Node> grad_accumulator;
  bool requires_grad = false;
  bool retains_grad = false;
  uint32_t output_nr = 0;
  unsigned next_hook_id = 0;
  std::vector<std::pair<unsigned, std::function<Tensor(const Tensor&)>>> hooks;
  // For a view of a tensor with autograd history: the base and where the
  // view sits in it, so an in-place op on the view rewrites the base's
  // history (see Note [In-place ops on views]).
  std::shared_ptr<TensorImpl> view_base;
};

class TensorImpl {
 public:
  TensorImpl(std::shared_ptr<Storage> storage, IntArrayRef sizes, IntArrayRef strides,
             int64_t offset, ScalarType dtype);

  const std::shared_ptr<Storage>& storage() const { return storage_; }
  IntArrayRef sizes() const { return sizes_; }
  IntArrayRef strides() const { return strides_; }
  int64_t dim() const { return int64_t(sizes_.size()); }
  int64_t numel() const { return numel_; }
  int64_t offset() const { return offset_; }
  ScalarType dtype() const { return dtype_; }
  Device device() const { return storage_->device; }
  bool is_contiguous() const { return contiguous_; }
  void* data() const {
    return static_cast<char*>(storage_->data) + offset_ * int64_t(itemsize(dtype_));
  }
  /// Changes the view geometry (as_strided_, squeeze_, detach-sharing).
  void set_geometry(IntArrayRef sizes, IntArrayRef strides, int64_t offset);
  void set_dtype(ScalarType t) { dtype_ = t; }
  /// Takes other's storage, geometry and dtype (autograd state stays).
  void set_data_from(const TensorImpl& o) {
    storage_ = o.storage_;
    dtype_ = o.dtype_;
    set_geometry(o.sizes_, o.strides_, o.offset_);
  }

  AutogradMeta* autograd() const { return autograd_ ? const_cast<AutogradMeta*>(&*autograd_) : nullptr; }
  AutogradMeta& autograd_mut() {
    if (!autograd_) autograd_.emplace();
    return *autograd_;
  }
  bool requires_grad() const { return autograd_ && (autograd_->requires_grad || autograd_->grad_fn); }

 private:
  void refresh();
  std::shared_ptr<Storage> storage_;
  Shape sizes_;
  Shape strides_;
  int64_t offset_ = 0;
  int64_t numel_ = 1;
  ScalarType dtype_;
  bool contiguous_ = true;
  std::optional<AutogradMeta> autograd_;  // inline: one allocation less per recorded op
};

namespace detail {
/// Contiguous strides for `sizes`.
Shape contiguous_strides(IntArrayRef sizes);
/// Product of sizes; throws when it overflows int64 or sizes are negative.
int64_t checked_numel(IntArrayRef sizes, const char* op);
/// A new contiguous tensor (uninitialized).
Tensor make_tensor(IntArrayRef sizes, ScalarType dtype, Device device);
/// A view of `base` with other geometry, sharing storage.
Tensor make_view(const Tensor& base, IntArrayRef sizes, IntArrayRef strides, int64_t offset);
inline TensorImpl* impl(const Tensor& t) { return t.unsafe_impl(); }
/// Wraps a dim into [0, ndim); IndexError naming the op otherwise.
int64_t wrap_dim(int64_t dim, int64_t ndim, const char* op);
}  // namespace detail

}  // namespace ember
