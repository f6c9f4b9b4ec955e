#pragma once

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <ostream>
#include <vector>

#include "ember/export.h"

namespace ember {

/// A non-owning view of a list of int64 (sizes, strides, dims), like
/// libtorch's IntArrayRef. Converts from a braced list, a std::vector or a
/// single integer, so `x.sum(1)` and `x.sum({0, 1})` both work.
class IntArrayRef {
 public:
  constexpr IntArrayRef() = default;
  constexpr IntArrayRef(const int64_t* data, size_t size)
      : data_(data), size_(size) {}
  // NOLINTNEXTLINE: implicit on purpose, as libtorch's
  IntArrayRef(const int64_t& one) : data_(&one), size_(1) {}
  // Like libtorch's: valid for the full-expression, which covers
  // `ember::zeros({2, 3})`; do not store an IntArrayRef made from a list.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winit-list-lifetime"
  IntArrayRef(std::initializer_list<int64_t> list)
      : data_(list.begin()), size_(list.size()) {}
#pragma GCC diagnostic pop
  IntArrayRef(const std::vector<int64_t>& v) : data_(v.data()), size_(v.size()) {}

  const int64_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const int64_t* begin() const { return data_; }
  const int64_t* end() const { return data_ + size_; }
  int64_t operator[](size_t i) const { return data_[i]; }
  int64_t back() const { return data_[size_ - 1]; }
  std::vector<int64_t> vec() const { return {begin(), end()}; }
  bool equals(IntArrayRef o) const {
    return size_ == o.size_ &&
           (size_ == 0 || std::memcmp(data_, o.data_, size_ * sizeof(int64_t)) == 0);
  }
  friend bool operator==(IntArrayRef a, IntArrayRef b) { return a.equals(b); }
  friend bool operator!=(IntArrayRef a, IntArrayRef b) { return !a.equals(b); }

 private:
  const int64_t* data_ = nullptr;
  size_t size_ = 0;
};

/// Prints `[2, 3]`, the way error messages show shapes.
EMBER_API std::ostream& operator<<(std::ostream& os, IntArrayRef a);

/// Owning list of int64 that stores up to 6 entries without a heap
/// allocation; sizes and strides of every tensor live in one.
class EMBER_API Shape {
 public:
  static constexpr size_t kInline = 6;
  Shape() = default;
  explicit Shape(size_t n, int64_t value = 0) { resize(n, value); }
  Shape(IntArrayRef a) { assign(a); }
  Shape(std::initializer_list<int64_t> l) { assign(IntArrayRef(l)); }
  Shape(const Shape& o) { assign(o); }
  Shape(Shape&& o) noexcept { steal(o); }
  Shape& operator=(const Shape& o) {
    if (this != &o) assign(o);
    return *this;
  }
  Shape& operator=(Shape&& o) noexcept {
    if (this != &o) {
      release();
      steal(o);
    }
    return *this;
  }
  ~Shape() { release(); }

  void assign(IntArrayRef a) {
    reserve(a.size());
    size_ = a.size();
    if (size_) std::memmove(ptr_, a.data(), size_ * sizeof(int64_t));
  }
  void resize(size_t n, int64_t value = 0) {
    reserve(n);
    for (size_t i = size_; i < n; ++i) ptr_[i] = value;
    size_ = n;
  }
  void push_back(int64_t v) {
    if (size_ == cap_) reserve(cap_ * 2);
    ptr_[size_++] = v;
  }
  void insert(size_t pos, int64_t v) {
    push_back(0);
    for (size_t i = size_ - 1; i > pos; --i) ptr_[i] = ptr_[i - 1];
    ptr_[pos] = v;
  }
  void erase(size_t pos) {
    for (size_t i = pos + 1; i < size_; ++i) ptr_[i - 1] = ptr_[i];
    --size_;
  }
  void pop_back() { --size_; }
  void clear() { size_ = 0; }
  void reserve(size_t n) {
    if (n <= cap_) return;
    int64_t* p = new int64_t[n];
    if (size_) std::memcpy(p, ptr_, size_ * sizeof(int64_t));
    if (ptr_ != inline_) delete[] ptr_;
    ptr_ = p;
    cap_ = n;
  }

  int64_t* data() { return ptr_; }
  const int64_t* data() const { return ptr_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  int64_t& operator[](size_t i) { return ptr_[i]; }
  int64_t operator[](size_t i) const { return ptr_[i]; }
  int64_t& back() { return ptr_[size_ - 1]; }
  int64_t* begin() { return ptr_; }
  int64_t* end() { return ptr_ + size_; }
  const int64_t* begin() const { return ptr_; }
  const int64_t* end() const { return ptr_ + size_; }
  operator IntArrayRef() const { return IntArrayRef(ptr_, size_); }
  std::vector<int64_t> vec() const { return {begin(), end()}; }
  friend bool operator==(const Shape& a, const Shape& b) {
    return IntArrayRef(a).equals(b);
  }
  friend bool operator!=(const Shape& a, const Shape& b) { return !(a == b); }
  friend bool operator==(const Shape& a, IntArrayRef b) { return IntArrayRef(a).equals(b); }
  friend bool operator==(IntArrayRef a, const Shape& b) { return a.equals(b); }
  friend bool operator!=(const Shape& a, IntArrayRef b) { return !IntArrayRef(a).equals(b); }
  friend bool operator!=(IntArrayRef a, const Shape& b) { return !a.equals(b); }

 private:
  void release() {
    if (ptr_ != inline_) delete[] ptr_;
    ptr_ = inline_;
    cap_ = kInline;
    size_ = 0;
  }
  void steal(Shape& o) {
    if (o.ptr_ == o.inline_) {
      ptr_ = inline_;
      cap_ = kInline;
      size_ = o.size_;
      std::memcpy(inline_, o.inline_, size_ * sizeof(int64_t));
    } else {
      ptr_ = o.ptr_;
      cap_ = o.cap_;
      size_ = o.size_;
      o.ptr_ = o.inline_;
      o.cap_ = kInline;
    }
    o.size_ = 0;
  }
  int64_t inline_[kInline];
  int64_t* ptr_ = inline_;
  size_t size_ = 0;
  size_t cap_ = kInline;
};

inline std::ostream& operator<<(std::ostream& os, const Shape& s) {
  return os << IntArrayRef(s);
}

}  // namespace ember
