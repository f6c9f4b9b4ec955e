#include "ember/nn/module.h"

#include <algorithm>
#include <sstream>

namespace ember {
namespace nn {

// ---------------------------------------------------------------- NamedTensors
void NamedTensors::insert(std::string key, Tensor value) {
  auto it = index_.find(key);
  if (it != index_.end()) {
    items_[it->second].second = std::move(value);
    return;
  }
  index_[key] = items_.size();
  items_.emplace_back(std::move(key), std::move(value));
}
Tensor& NamedTensors::operator[](const std::string& key) {
  auto it = index_.find(key);
  EMBER_CHECK_T(IndexError, it != index_.end(), "no entry named '", key, "'");
  return items_[it->second].second;
}
const Tensor& NamedTensors::operator[](const std::string& key) const {
  auto it = index_.find(key);
  EMBER_CHECK_T(IndexError, it != index_.end(), "no entry named '", key, "'");
  return items_[it->second].second;
}
const Tensor* NamedTensors::find(const std::string& key) const {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &items_[it->second].second;
}
std::vector<std::string> NamedTensors::keys() const {
  std::vector<std::string> k;
  for (auto& i : items_) k.push_back(i.first);
  return k;
}
std::vector<Tensor> NamedTensors::values() const {
  std::vector<Tensor> v;
  for (auto& i : items_) v.push_back(i.second);
  return v;
}

// ---------------------------------------------------------------- Module
Module::Module(std::string name) : name_(std::move(name)) {}
Module::~Module() = default;

namespace {
void check_name(const std::string& name, const char* what) {
  EMBER_CHECK_T(TypeError, !name.empty(), what, " name can't be empty string \"\"");
  EMBER_CHECK_T(ValueError, name.find('.') == std::string::npos, what, " name can't contain \".\", got: ", name);
}
}  // namespace

Tensor& Module::register_parameter(const std::string& name, Tensor tensor, bool requires_grad) {
  check_name(name, "parameter");
  if (tensor.defined()) {
    tensor = tensor.detach();
    if (requires_grad) tensor.requires_grad_(true);
  }
  params_.insert(name, tensor);
  return params_[name];
}
Tensor& Module::register_buffer(const std::string& name, Tensor tensor) {
  check_name(name, "buffer");
  buffers_.insert(name, tensor);
  return buffers_[name];
}
void Module::add_child(const std::string& name, std::shared_ptr<Module> module) {
  check_name(name, "module");
  for (auto& c : children_)
    if (c.first == name) {
      c.second = std::move(module);
      return;
    }
  children_.emplace_back(name, std::move(module));
}

void Module::collect(const std::string& prefix, bool recurse, bool params, NamedTensors& out) const {
  for (auto& p : params ? params_ : buffers_)
    if (p.second.defined()) out.insert(prefix + p.first, p.second);
  if (!recurse) return;
  for (auto& c : children_)
    if (c.second) c.second->collect(prefix + c.first + ".", true, params, out);
}

NamedTensors Module::named_parameters(bool recurse) const {
  NamedTensors out;
  collect("", recurse, true, out);
  return out;
}
std::vector<Tensor> Module::parameters(bool recurse) const {
  // a parameter shared by two submodules appears once, as in torch
  std::vector<Tensor> out;
  for (auto& p : named_parameters(recurse)) {
    bool seen = false;
    for (auto& q : out) seen = seen || q.is_same(p.second);
    if (!seen) out.push_back(p.second);
  }
  return out;
}
NamedTensors Module::named_buffers(bool recurse) const {
  NamedTensors out;
  collect("", recurse, false, out);
  return out;
}
std::vector<Tensor> Module::buffers(bool recurse) const { return named_buffers(recurse).values(); }

std::vector<std::shared_ptr<Module>> Module::children() const {
  std::vector<std::shared_ptr<Module>> out;
  for (auto& c : children_)
    if (c.second) out.push_back(c.second);
  return out;
}
std::vector<std::pair<std::string, std::shared_ptr<Module>>> Module::named_children() const {
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> out;
  for (auto& c : children_)
    if (c.second) out.push_back(c);
  return out;
}
std::vector<std::pair<std::string, std::shared_ptr<Module>>> Module::named_modules(const std::string& prefix) {
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> out;
  out.emplace_back(prefix, shared_from_this());
  for (auto& c : children_)
    if (c.second)
      for (auto& m : c.second->named_modules(prefix.empty() ? c.first : prefix + "." + c.first)) out.push_back(m);
  return out;
}
std::vector<std::shared_ptr<Module>> Module::modules() {
  std::vector<std::shared_ptr<Module>> out;
  for (auto& m : named_modules()) out.push_back(m.second);
  return out;
}

void Module::train(bool on) {
  training_ = on;
  for (auto& c : children_)
    if (c.second) c.second->train(on);
}
void zero_grad(const std::vector<Tensor>& params, bool set_to_none) {
  for (auto& p : params) {
    if (!p.grad().defined()) continue;
    if (set_to_none) {
      p.mutable_grad() = Tensor();
    } else {
      NoGradGuard ng;
      p.mutable_grad() = p.grad().detach();
      p.mutable_grad().zero_();
    }
  }
}
void Module::zero_grad(bool set_to_none) { nn::zero_grad(parameters(), set_to_none); }
void Module::apply(const std::function<void(Module&)>& fn) {
  for (auto& c : children_)
    if (c.second) c.second->apply(fn);
  fn(*this);
}
// Parameters change in place (set_data), so handles held by layers
// (`weight`) and optimizers stay valid, as in libtorch.
void Module::to(ScalarType dtype) {
  NoGradGuard ng;
  for (auto& p : params_)
    if (p.second.defined() && p.second.is_floating_point() && p.second.dtype() != dtype)
      p.second.set_data(p.second.to(dtype));
  for (auto& b : buffers_)
    if (b.second.defined() && b.second.is_floating_point() && b.second.dtype() != dtype)
      b.second.set_data(b.second.to(dtype));
  for (auto& c : children_)
    if (c.second) c.second->to(dtype);
}
void Module::to(Device device) {
  NoGradGuard ng;
  for (auto& p : params_)
    if (p.second.defined() && p.second.device() != device) p.second.set_data(p.second.to(device));
  for (auto& b : buffers_)
    if (b.second.defined() && b.second.device() != device) b.second.set_data(b.second.to(device));
  for (auto& c : children_)
    if (c.second) c.second->to(device);
}

NamedTensors Module::state_dict() const {
  NamedTensors out;
  // torch's order: each module's parameters, then its buffers, depth first
  std::function<void(const Module&, const std::string&)> walk = [&](const Module& m, const std::string& prefix) {
    for (auto& p : m.params_)
      if (p.second.defined()) out.insert(prefix + p.first, p.second.detach());
    for (auto& b : m.buffers_)
      if (b.second.defined()) out.insert(prefix + b.first, b.second.detach());
    for (auto& c : m.children_)
      if (c.second) walk(*c.second, prefix + c.first + ".");
  };
  walk(*this, "");
  return out;
}

void Module::load_state_dict(const NamedTensors& state, bool strict) {
  NamedTensors own = state_dict();
  std::vector<std::string> missing, unexpected, mismatched;
  for (auto& kv : own)
    if (!state.contains(kv.first)) missing.push_back(kv.first);
  for (auto& kv : state) {
    const Tensor* mine = own.find(kv.first);
    if (!mine) {
      unexpected.push_back(kv.first);
      continue;
    }
    if (!kv.second.sizes().equals(mine->sizes())) {
      std::ostringstream ss;
      ss << "size mismatch for " << kv.first << ": copying a param with shape " << kv.second.sizes()
         << " from checkpoint, the shape in current model is " << mine->sizes() << ".";
      mismatched.push_back(ss.str());
    }
  }
  bool bad = !mismatched.empty() || (strict && (!missing.empty() || !unexpected.empty()));
  if (bad) {
    std::ostringstream ss;
    ss << "Error(s) in loading state_dict for " << (name_.empty() ? "Module" : name_) << ":";
    auto list = [&](const char* what, const std::vector<std::string>& keys) {
      if (keys.empty()) return;
      ss << "\n\t" << what << " key(s) in state_dict: ";
      for (size_t i = 0; i < keys.size(); ++i) ss << (i ? ", " : "") << '"' << keys[i] << '"';
      ss << ".";
    };
    if (strict) {
      list("Unexpected", unexpected);
      list("Missing", missing);
    }
    for (auto& m : mismatched) ss << "\n\t" << m;
    throw RuntimeError(ss.str());
  }
  NoGradGuard ng;
  for (auto& kv : state) {
    const Tensor* mine = own.find(kv.first);
    if (mine) const_cast<Tensor&>(*mine).copy_(kv.second);
  }
}

unsigned Module::register_forward_pre_hook(PreHook hook) {
  pre_hooks_.emplace_back(next_hook_, std::move(hook));
  return next_hook_++;
}
unsigned Module::register_forward_hook(PostHook hook) {
  post_hooks_.emplace_back(next_hook_, std::move(hook));
  return next_hook_++;
}
void Module::remove_hook(unsigned id) {
  pre_hooks_.erase(std::remove_if(pre_hooks_.begin(), pre_hooks_.end(), [&](auto& h) { return h.first == id; }),
                   pre_hooks_.end());
  post_hooks_.erase(std::remove_if(post_hooks_.begin(), post_hooks_.end(), [&](auto& h) { return h.first == id; }),
                    post_hooks_.end());
}
Tensor Module::call_with_hooks(const tensor_list& inputs, const std::function<Tensor()>& forward) {
  for (auto& h : pre_hooks_) h.second(*this, inputs);
  Tensor out = forward();
  for (auto& h : post_hooks_) h.second(*this, inputs, out);
  return out;
}

std::string Module::repr(int indent) const {
  std::ostringstream ss;
  ss << (name_.empty() ? "Module" : name_) << "(" << extra_repr();
  if (!children_.empty()) {
    ss << "\n";
    for (auto& c : children_) {
      if (!c.second) continue;
      ss << std::string(size_t(indent + 2), ' ') << "(" << c.first << "): " << c.second->repr(indent + 2) << "\n";
    }
    ss << std::string(size_t(indent), ' ');
  }
  ss << ")";
  return ss.str();
}
std::ostream& operator<<(std::ostream& os, const Module& m) { return os << m.repr(); }

}  // namespace nn
}  // namespace ember
