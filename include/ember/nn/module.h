#pragma once

// ember::nn::Module: the base of every layer, shaped like libtorch's C++
// frontend (register_parameter / register_module, module holders, a macro
// for user modules) with PyTorch's parameter names and state_dict keys.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ember/autograd.h"
#include "ember/ops.h"

namespace ember {
namespace nn {

template <typename Impl>
class ModuleHolder;

/// Insertion-ordered name -> tensor list (parameters, buffers, state_dict).
class EMBER_API NamedTensors {
 public:
  using Item = std::pair<std::string, Tensor>;
  void insert(std::string key, Tensor value);
  bool contains(const std::string& key) const { return index_.count(key) != 0; }
  /// Throws a clear error for a missing key.
  Tensor& operator[](const std::string& key);
  const Tensor& operator[](const std::string& key) const;
  const Tensor* find(const std::string& key) const;
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  std::vector<Item>::const_iterator begin() const { return items_.begin(); }
  std::vector<Item>::const_iterator end() const { return items_.end(); }
  std::vector<std::string> keys() const;
  std::vector<Tensor> values() const;

 private:
  std::vector<Item> items_;
  std::map<std::string, size_t> index_;
};

class EMBER_API Module : public std::enable_shared_from_this<Module> {
 public:
  explicit Module(std::string name = "");
  virtual ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  /// The class name, e.g. "Linear" (used in printing and errors).
  const std::string& name() const { return name_; }

  std::vector<Tensor> parameters(bool recurse = true) const;
  NamedTensors named_parameters(bool recurse = true) const;
  std::vector<Tensor> buffers(bool recurse = true) const;
  NamedTensors named_buffers(bool recurse = true) const;
  std::vector<std::shared_ptr<Module>> children() const;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> named_children() const;
  /// This module and every descendant, depth first.
  std::vector<std::shared_ptr<Module>> modules();
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> named_modules(const std::string& prefix = "");

  /// Adds a parameter (a leaf that requires grad unless told otherwise).
  Tensor& register_parameter(const std::string& name, Tensor tensor, bool requires_grad = true);
  Tensor& register_buffer(const std::string& name, Tensor tensor);
  template <typename M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    add_child(name, module);
    return module;
  }
  template <typename Impl>
  ModuleHolder<Impl> register_module(const std::string& name, ModuleHolder<Impl> holder) {
    add_child(name, holder.ptr());
    return holder;
  }

  virtual void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }
  /// set_to_none (default, as torch 2): grads become undefined.
  void zero_grad(bool set_to_none = true);
  /// Calls fn on every module, children first (as torch's apply).
  void apply(const std::function<void(Module&)>& fn);
  /// Casts floating-point parameters and buffers.
  void to(ScalarType dtype);
  void to(Device device);

  /// Parameters and buffers by their dotted names ("fc.weight").
  NamedTensors state_dict() const;
  /// strict: missing, unexpected and shape-mismatched keys are all listed
  /// in one error. Copies values into the existing tensors.
  void load_state_dict(const NamedTensors& state, bool strict = true);

  using PreHook = std::function<void(Module&, const tensor_list&)>;
  using PostHook = std::function<void(Module&, const tensor_list&, Tensor&)>;
  unsigned register_forward_pre_hook(PreHook hook);
  unsigned register_forward_hook(PostHook hook);
  void remove_hook(unsigned id);
  /// Runs pre-hooks, then `forward`, then post-hooks (used by holders).
  Tensor call_with_hooks(const tensor_list& inputs, const std::function<Tensor()>& forward);

  /// One line per module, as torch's repr.
  virtual std::string extra_repr() const { return ""; }
  std::string repr(int indent = 0) const;

 protected:
  void add_child(const std::string& name, std::shared_ptr<Module> module);
  std::string name_;
  bool training_ = true;

 private:
  void collect(const std::string& prefix, bool recurse, bool params, NamedTensors& out) const;
  NamedTensors params_;
  NamedTensors buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  std::vector<std::pair<unsigned, PreHook>> pre_hooks_;
  std::vector<std::pair<unsigned, PostHook>> post_hooks_;
  unsigned next_hook_ = 0;
};

EMBER_API std::ostream& operator<<(std::ostream& os, const Module& m);

/// Clears the gradients of `params` (set_to_none: undefined, else zeros);
/// what Module::zero_grad and Optimizer::zero_grad do.
EMBER_API void zero_grad(const std::vector<Tensor>& params, bool set_to_none = true);

/// A shared handle to a module implementation, as libtorch's ModuleHolder:
/// `Linear fc(4, 1); fc(x); fc->parameters();`.
template <typename Impl>
class ModuleHolder {
 public:
  using ContainedType = Impl;
  ModuleHolder() : impl_(std::make_shared<Impl>()) {}
  ModuleHolder(std::nullptr_t) {}
  template <typename A, typename... Rest,
            typename = std::enable_if_t<!std::is_same<std::decay_t<A>, std::nullptr_t>::value &&
                                        !std::is_same<std::decay_t<A>, std::shared_ptr<Impl>>::value &&
                                        !std::is_base_of<ModuleHolder, std::decay_t<A>>::value>>
  explicit ModuleHolder(A&& a, Rest&&... rest)
      : impl_(std::make_shared<Impl>(std::forward<A>(a), std::forward<Rest>(rest)...)) {}
  ModuleHolder(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

  Impl* operator->() const { return impl_.get(); }
  Impl& operator*() const { return *impl_; }
  const std::shared_ptr<Impl>& ptr() const { return impl_; }
  Impl* get() const { return impl_.get(); }
  bool is_empty() const { return impl_ == nullptr; }
  operator std::shared_ptr<Module>() const { return impl_; }

  /// Calls forward through the module's hooks.
  template <typename... Args>
  auto operator()(Args&&... args) const {
    using R = decltype(impl_->forward(std::forward<Args>(args)...));
    if constexpr (std::is_same<R, Tensor>::value) {
      tensor_list in;
      ember::autograd::detail::collect(in, args...);
      return impl_->call_with_hooks(in, [&] { return impl_->forward(std::forward<Args>(args)...); });
    } else {
      return impl_->forward(std::forward<Args>(args)...);
    }
  }

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace nn
}  // namespace ember

/// Declares `Name` as the holder of `NameImpl`, as TORCH_MODULE.
#define EMBER_MODULE(Name)                                         \
  class Name : public ::ember::nn::ModuleHolder<Name##Impl> {      \
   public:                                                         \
    using ::ember::nn::ModuleHolder<Name##Impl>::ModuleHolder;     \
    Name(const ::ember::nn::ModuleHolder<Name##Impl>& h)           \
        : ::ember::nn::ModuleHolder<Name##Impl>(h.ptr()) {}        \
  }
