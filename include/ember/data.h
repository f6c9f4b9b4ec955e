#pragma once

// ember::data: datasets, samplers and a DataLoader shaped like libtorch's
// C++ frontend (torch::data), with the batching behaviour of Python's
// torch.utils.data.
//
//   auto ds = ember::data::datasets::TensorDataset({x, y});
//   auto loader = ember::data::make_data_loader(
//       ds, ember::data::DataLoaderOptions().batch_size(64).shuffle(true).seed(0).workers(2));
//   for (auto& batch : *loader) {      // batch: std::vector<Tensor>{x_b, y_b}
//     ...
//   }
//
// Design (a simplification of libtorch's):
// - A dataset derives from Dataset<Self, ExampleType> and implements
//   get(index) and size(). ExampleType is any "collatable" sample: a Tensor,
//   Example<> {data, target}, std::vector<T>, std::pair, std::tuple or
//   std::map<std::string, T> of collatable things.
// - DataLoader<Dataset> draws one epoch of indices from a Sampler, cuts them
//   into batches and collates each batch with default_collate, which stacks
//   tensors along a new dim 0 and recurses into containers (as Python's
//   default_collate; as libtorch's `.map(transforms::Stack<>())`). So a
//   TensorDataset yields std::vector<Tensor> batches and an Example<> dataset
//   yields Example<> batches with stacked data and target. A custom collate
//   function can be passed instead.
// - workers(n > 0) assembles batches on n background std::threads into a
//   bounded queue (prefetch_factor batches per worker) so loading overlaps
//   compute. Batches come out in sampler order whatever n is: worker w builds
//   batches w, w + n, ...; the same seed gives the same batches for any n.
//   Dataset::get must be safe to call from several threads (TensorDataset's
//   is). An exception in a worker is rethrown by the iterator.
// - Every begin() starts a new epoch; a shuffling sampler draws a new
//   permutation from its generator, so seeded runs are reproducible.

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "ember/error.h"
#include "ember/generator.h"
#include "ember/ops.h"
#include "ember/tensor.h"

namespace ember {
namespace data {

/// One sample of a supervised dataset (libtorch's torch::data::Example).
template <typename Data = Tensor, typename Target = Tensor>
struct Example {
  using DataType = Data;
  using TargetType = Target;
  Example() = default;
  Example(Data data, Target target) : data(std::move(data)), target(std::move(target)) {}
  Data data;
  Target target;
};

/// Base of map-style datasets: `get(index)` returns one example, `size()`
/// the number of examples. Self is the derived class (as in libtorch).
template <typename Self, typename SingleExample = Example<>>
class Dataset {
 public:
  using ExampleType = SingleExample;
  using BatchRequestType = std::vector<size_t>;
  virtual ~Dataset() = default;
  virtual ExampleType get(size_t index) const = 0;
  virtual std::optional<size_t> size() const = 0;
  /// The examples at `indices` (uncollated); override for a faster path.
  virtual std::vector<ExampleType> get_batch(const std::vector<size_t>& indices) const {
    std::vector<ExampleType> out;
    out.reserve(indices.size());
    for (size_t i : indices) out.push_back(get(i));
    return out;
  }
};

// ============================== collate ==============================

namespace detail {
template <typename T>
struct Collate;  // Collate<Sample>::apply(std::vector<Sample>) -> batch

template <>
struct Collate<Tensor> {
  static Tensor apply(const std::vector<Tensor>& xs) {
    EMBER_CHECK(!xs.empty(), "default_collate: empty batch");
    return ember::stack(xs, 0);
  }
};
template <typename D, typename T>
struct Collate<Example<D, T>> {
  static auto apply(const std::vector<Example<D, T>>& xs) {
    std::vector<D> ds;
    std::vector<T> ts;
    ds.reserve(xs.size());
    ts.reserve(xs.size());
    for (const auto& x : xs) {
      ds.push_back(x.data);
      ts.push_back(x.target);
    }
    using DB = decltype(Collate<D>::apply(ds));
    using TB = decltype(Collate<T>::apply(ts));
    return Example<DB, TB>(Collate<D>::apply(ds), Collate<T>::apply(ts));
  }
};
template <typename T>
struct Collate<std::vector<T>> {
  static auto apply(const std::vector<std::vector<T>>& xs) {
    EMBER_CHECK(!xs.empty(), "default_collate: empty batch");
    using B = decltype(Collate<T>::apply(std::declval<std::vector<T>>()));
    std::vector<B> out;
    size_t n = xs[0].size();
    for (const auto& x : xs) {
      EMBER_CHECK(x.size() == n, "default_collate: samples have different lengths (", n, " and ",
                  x.size(), ")");
    }
    for (size_t k = 0; k < n; ++k) {
      std::vector<T> col;
      col.reserve(xs.size());
      for (const auto& x : xs) col.push_back(x[k]);
      out.push_back(Collate<T>::apply(col));
    }
    return out;
  }
};
template <typename T>
struct Collate<std::map<std::string, T>> {
  static auto apply(const std::vector<std::map<std::string, T>>& xs) {
    EMBER_CHECK(!xs.empty(), "default_collate: empty batch");
    using B = decltype(Collate<T>::apply(std::declval<std::vector<T>>()));
    std::map<std::string, B> out;
    for (const auto& kv : xs[0]) {
      std::vector<T> col;
      col.reserve(xs.size());
      for (const auto& x : xs) {
        auto it = x.find(kv.first);
        EMBER_CHECK(it != x.end(), "default_collate: key '", kv.first, "' missing from a sample");
        col.push_back(it->second);
      }
      out.emplace(kv.first, Collate<T>::apply(col));
    }
    return out;
  }
};
template <typename... Ts>
struct Collate<std::tuple<Ts...>> {
  template <size_t... I>
  static auto impl(const std::vector<std::tuple<Ts...>>& xs, std::index_sequence<I...>) {
    auto column = [&](auto ic) {
      constexpr size_t k = decltype(ic)::value;
      using E = std::tuple_element_t<k, std::tuple<Ts...>>;
      std::vector<E> col;
      col.reserve(xs.size());
      for (const auto& x : xs) col.push_back(std::get<k>(x));
      return Collate<E>::apply(col);
    };
    return std::make_tuple(column(std::integral_constant<size_t, I>{})...);
  }
  static auto apply(const std::vector<std::tuple<Ts...>>& xs) {
    return impl(xs, std::index_sequence_for<Ts...>{});
  }
};
template <typename A, typename B>
struct Collate<std::pair<A, B>> {
  static auto apply(const std::vector<std::pair<A, B>>& xs) {
    std::vector<A> as;
    std::vector<B> bs;
    for (const auto& x : xs) {
      as.push_back(x.first);
      bs.push_back(x.second);
    }
    return std::make_pair(Collate<A>::apply(as), Collate<B>::apply(bs));
  }
};
}  // namespace detail

/// Stacks tensors along a new dim 0, recursing into Example, vector, pair,
/// tuple and map samples (Python's default_collate).
template <typename Sample>
auto default_collate(const std::vector<Sample>& samples) {
  return detail::Collate<Sample>::apply(samples);
}

namespace transforms {
/// libtorch's Stack<>: collates Example<> samples into one Example<> batch.
template <typename E = Example<>>
struct Stack {
  auto operator()(const std::vector<E>& samples) const { return default_collate(samples); }
};
}  // namespace transforms

// ============================== datasets ==============================

namespace datasets {

/// Tensors indexed together along dim 0 (Python's TensorDataset): example i
/// is {t[i] for t in tensors}; batches are {t[indices] for t in tensors}.
class EMBER_API TensorDataset : public Dataset<TensorDataset, std::vector<Tensor>> {
 public:
  explicit TensorDataset(std::vector<Tensor> tensors);
  TensorDataset(std::initializer_list<Tensor> tensors)
      : TensorDataset(std::vector<Tensor>(tensors)) {}
  std::vector<Tensor> get(size_t index) const override;
  std::optional<size_t> size() const override { return size_; }
  const std::vector<Tensor>& tensors() const { return tensors_; }
  /// The collated batch in one index_select per tensor (the loader's fast
  /// path; same values as stacking get(i)).
  std::vector<Tensor> get_batch_collated(const std::vector<size_t>& indices) const;

 private:
  std::vector<Tensor> tensors_;
  size_t size_ = 0;
};

/// The examples of `dataset` at `indices` (Python's Subset).
template <typename D>
class Subset : public Dataset<Subset<D>, typename D::ExampleType> {
 public:
  using ExampleType = typename D::ExampleType;
  Subset(std::shared_ptr<const D> dataset, std::vector<size_t> indices)
      : dataset_(std::move(dataset)), indices_(std::move(indices)) {
    auto n = dataset_->size();
    for (size_t i : indices_) {
      EMBER_CHECK_INDEX(!n || i < *n, "Subset: index ", i, " out of range for a dataset of size ", *n);
    }
  }
  Subset(const D& dataset, std::vector<size_t> indices)
      : Subset(std::make_shared<const D>(dataset), std::move(indices)) {}
  ExampleType get(size_t index) const override {
    EMBER_CHECK_INDEX(index < indices_.size(), "Subset: index ", index, " out of range for size ",
                      indices_.size());
    return dataset_->get(indices_[index]);
  }
  std::optional<size_t> size() const override { return indices_.size(); }
  const std::vector<size_t>& indices() const { return indices_; }
  const D& dataset() const { return *dataset_; }

 private:
  std::shared_ptr<const D> dataset_;
  std::vector<size_t> indices_;
};

/// Reads an MNIST IDX file (ubyte images [N, rows, cols] or labels [N]; any
/// IDX element type and rank up to 8). Validates the magic number, the dims
/// and the file size; a truncated or corrupt file raises ember::RuntimeError.
/// Files ending in ".gz" are decompressed.
EMBER_API Tensor read_idx(const std::string& path);

/// The 8x8 digits that scikit-learn ships (1797 samples): data float32
/// [N, 64] with values 0..16, target int64 [N].
EMBER_API const char* default_digits_path();
EMBER_API Example<> read_digits_csv(const std::string& path = default_digits_path());

}  // namespace datasets

// ============================== samplers ==============================

/// An epoch's order of dataset indices. Each call to indices() is a new
/// epoch (a random sampler draws a new permutation).
class EMBER_API Sampler {
 public:
  virtual ~Sampler() = default;
  virtual std::vector<size_t> indices() = 0;
  virtual size_t size() const = 0;
};

class EMBER_API SequentialSampler : public Sampler {
 public:
  explicit SequentialSampler(size_t size) : size_(size) {}
  std::vector<size_t> indices() override;
  size_t size() const override { return size_; }

 private:
  size_t size_;
};

/// A random permutation per epoch from `generator` (seeded: reproducible);
/// no generator: the default generator.
class EMBER_API RandomSampler : public Sampler {
 public:
  explicit RandomSampler(size_t size, std::shared_ptr<Generator> generator = nullptr)
      : size_(size), gen_(std::move(generator)) {}
  RandomSampler(size_t size, uint64_t seed) : size_(size), gen_(std::make_shared<Generator>(seed)) {}
  std::vector<size_t> indices() override;
  size_t size() const override { return size_; }

 private:
  size_t size_;
  std::shared_ptr<Generator> gen_;
};

/// A random permutation of the given indices per epoch.
class EMBER_API SubsetRandomSampler : public Sampler {
 public:
  explicit SubsetRandomSampler(std::vector<size_t> indices, std::shared_ptr<Generator> generator = nullptr)
      : subset_(std::move(indices)), gen_(std::move(generator)) {}
  std::vector<size_t> indices() override;
  size_t size() const override { return subset_.size(); }

 private:
  std::vector<size_t> subset_;
  std::shared_ptr<Generator> gen_;
};

// ============================== random_split ==============================

namespace detail {
EMBER_API std::vector<std::vector<size_t>> split_indices(size_t n, const std::vector<size_t>& lengths,
                                                         Generator& gen);
EMBER_API std::vector<size_t> fractions_to_lengths(size_t n, const std::vector<double>& fractions);
}  // namespace detail

/// Splits `dataset` into non-overlapping random subsets of the given lengths
/// (which must sum to the dataset's size), as torch.utils.data.random_split.
template <typename D>
std::vector<datasets::Subset<D>> random_split(const D& dataset, const std::vector<size_t>& lengths,
                                              Generator& generator = default_generator()) {
  auto n = dataset.size();
  EMBER_CHECK(n.has_value(), "random_split: the dataset has no size");
  auto parts = detail::split_indices(*n, lengths, generator);
  auto shared = std::make_shared<const D>(dataset);
  std::vector<datasets::Subset<D>> out;
  for (auto& p : parts) out.emplace_back(shared, std::move(p));
  return out;
}
/// Fractions summing to 1 (remainders go round-robin to the first parts).
template <typename D>
std::vector<datasets::Subset<D>> random_split(const D& dataset, const std::vector<double>& fractions,
                                              Generator& generator = default_generator()) {
  auto n = dataset.size();
  EMBER_CHECK(n.has_value(), "random_split: the dataset has no size");
  return random_split(dataset, detail::fractions_to_lengths(*n, fractions), generator);
}

// ============================== DataLoader ==============================

struct DataLoaderOptions {
  DataLoaderOptions() = default;
  explicit DataLoaderOptions(size_t batch_size) : batch_size_(batch_size) {}
#define EMBER_DL_ARG(T, name)                         \
  DataLoaderOptions& name(T v) {                      \
    name##_ = std::move(v);                           \
    return *this;                                     \
  }                                                   \
  const T& name() const { return name##_; }
  EMBER_DL_ARG(size_t, batch_size)
  EMBER_DL_ARG(bool, shuffle)
  EMBER_DL_ARG(bool, drop_last)
  /// Background threads assembling batches (0: in the calling thread).
  EMBER_DL_ARG(size_t, workers)
  /// Ready batches kept per worker.
  EMBER_DL_ARG(size_t, prefetch_factor)
  /// Seed of the shuffling generator (unset: drawn from the default one).
  EMBER_DL_ARG(std::optional<uint64_t>, seed)
  EMBER_DL_ARG(std::shared_ptr<Generator>, generator)
  /// A custom sampler (overrides shuffle).
  EMBER_DL_ARG(std::shared_ptr<Sampler>, sampler)
#undef EMBER_DL_ARG
  DataLoaderOptions& num_workers(size_t n) { return workers(n); }

 private:
  size_t batch_size_ = 1;
  bool shuffle_ = false;
  bool drop_last_ = false;
  size_t workers_ = 0;
  size_t prefetch_factor_ = 2;
  std::optional<uint64_t> seed_;
  std::shared_ptr<Generator> generator_;
  std::shared_ptr<Sampler> sampler_;
};

namespace detail {
template <typename D, typename = void>
struct HasCollatedBatch : std::false_type {};
template <typename D>
struct HasCollatedBatch<D, std::void_t<decltype(std::declval<const D&>().get_batch_collated(
                               std::declval<const std::vector<size_t>&>()))>> : std::true_type {};

struct DefaultCollateFn {
  template <typename Sample>
  auto operator()(const std::vector<Sample>& samples) const {
    return default_collate(samples);
  }
};
}  // namespace detail

template <typename DatasetT, typename CollateFn = detail::DefaultCollateFn>
class DataLoader {
 public:
  using ExampleType = typename DatasetT::ExampleType;
  using BatchType = std::decay_t<decltype(std::declval<CollateFn&>()(std::declval<const std::vector<ExampleType>&>()))>;

  DataLoader(DatasetT dataset, DataLoaderOptions options, CollateFn collate = CollateFn())
      : dataset_(std::make_shared<const DatasetT>(std::move(dataset))),
        options_(std::move(options)),
        collate_(std::move(collate)) {
    EMBER_CHECK_VALUE(options_.batch_size() > 0, "DataLoader: batch_size must be positive");
    auto n = dataset_->size();
    EMBER_CHECK(n.has_value(), "DataLoader: the dataset has no size");
    sampler_ = options_.sampler();
    if (!sampler_) {
      if (options_.shuffle()) {
        auto gen = options_.generator();
        if (!gen && options_.seed()) gen = std::make_shared<Generator>(*options_.seed());
        sampler_ = std::make_shared<RandomSampler>(*n, gen);
      } else {
        sampler_ = std::make_shared<SequentialSampler>(*n);
      }
    }
  }
  ~DataLoader() { stop(); }
  DataLoader(const DataLoader&) = delete;
  DataLoader& operator=(const DataLoader&) = delete;

  const DataLoaderOptions& options() const { return options_; }
  const DatasetT& dataset() const { return *dataset_; }
  /// Batches per epoch.
  size_t size() const {
    size_t n = sampler_->size(), b = options_.batch_size();
    return options_.drop_last() ? n / b : (n + b - 1) / b;
  }

  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = BatchType;
    using difference_type = std::ptrdiff_t;
    using pointer = BatchType*;
    using reference = BatchType&;
    Iterator() = default;
    BatchType& operator*() { return *current_; }
    BatchType* operator->() { return &*current_; }
    Iterator& operator++() {
      loader_->advance(this);
      return *this;
    }
    bool operator==(const Iterator& o) const { return done() == o.done(); }
    bool operator!=(const Iterator& o) const { return !(*this == o); }

   private:
    friend class DataLoader;
    bool done() const { return loader_ == nullptr; }
    DataLoader* loader_ = nullptr;
    std::optional<BatchType> current_;
  };

  /// Starts a new epoch (stopping any running one).
  Iterator begin() {
    stop();
    auto idx = sampler_->indices();
    size_t b = options_.batch_size();
    batches_.clear();
    for (size_t s = 0; s < idx.size(); s += b) {
      size_t e = std::min(idx.size(), s + b);
      if (e - s < b && options_.drop_last()) break;
      batches_.emplace_back(idx.begin() + s, idx.begin() + e);
    }
    next_ = 0;
    if (options_.workers() > 0) start_workers();
    Iterator it;
    it.loader_ = this;
    advance(&it);
    return it;
  }
  Iterator end() { return Iterator(); }

 private:
  BatchType fetch(const std::vector<size_t>& indices) const {
    if constexpr (detail::HasCollatedBatch<DatasetT>::value &&
                  std::is_same<CollateFn, detail::DefaultCollateFn>::value) {
      return dataset_->get_batch_collated(indices);
    } else {
      return collate_(dataset_->get_batch(indices));
    }
  }

  void advance(Iterator* it) {
    if (next_ >= batches_.size()) {
      it->loader_ = nullptr;
      it->current_.reset();
      stop();
      return;
    }
    size_t k = next_++;
    if (options_.workers() == 0) {
      it->current_.emplace(fetch(batches_[k]));
      return;
    }
    std::unique_lock<std::mutex> lock(mu_);
    ready_cv_.wait(lock, [&] { return slots_[k].has_value() || errors_[k]; });
    consumed_ = k + 1;
    space_cv_.notify_all();
    if (errors_[k]) {
      auto e = errors_[k];
      lock.unlock();
      stop();
      it->loader_ = nullptr;
      std::rethrow_exception(e);
    }
    it->current_.emplace(std::move(*slots_[k]));
    slots_[k].reset();
  }

  void start_workers() {
    size_t nb = batches_.size();
    slots_.assign(nb, std::nullopt);
    errors_.assign(nb, nullptr);
    consumed_ = 0;
    stopping_ = false;
    size_t nw = options_.workers();
    size_t window = std::max<size_t>(1, nw * std::max<size_t>(1, options_.prefetch_factor()));
    for (size_t w = 0; w < nw; ++w) {
      threads_.emplace_back([this, w, nw, nb, window] {
        for (size_t k = w; k < nb; k += nw) {
          {
            std::unique_lock<std::mutex> lock(mu_);
            space_cv_.wait(lock, [&] { return stopping_ || k < consumed_ + window; });
            if (stopping_) return;
          }
          std::optional<BatchType> batch;
          std::exception_ptr err;
          try {
            batch.emplace(fetch(batches_[k]));
          } catch (...) {
            err = std::current_exception();
          }
          std::lock_guard<std::mutex> lock(mu_);
          if (err) {
            errors_[k] = err;
          } else {
            slots_[k] = std::move(batch);
          }
          ready_cv_.notify_all();
          if (err) return;
        }
      });
    }
  }

  void stop() {
    if (threads_.empty()) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    space_cv_.notify_all();
    for (auto& t : threads_) t.join();
    threads_.clear();
    slots_.clear();
    errors_.clear();
  }

  std::shared_ptr<const DatasetT> dataset_;
  DataLoaderOptions options_;
  CollateFn collate_;
  std::shared_ptr<Sampler> sampler_;
  std::vector<std::vector<size_t>> batches_;
  size_t next_ = 0;
  // Worker state, guarded by mu_.
  std::mutex mu_;
  std::condition_variable ready_cv_, space_cv_;
  std::vector<std::optional<BatchType>> slots_;
  std::vector<std::exception_ptr> errors_;
  size_t consumed_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

/// libtorch's make_data_loader: `auto loader = make_data_loader(ds, opts);
/// for (auto& batch : *loader)`.
template <typename D>
std::unique_ptr<DataLoader<D>> make_data_loader(D dataset, DataLoaderOptions options = DataLoaderOptions()) {
  return std::make_unique<DataLoader<D>>(std::move(dataset), std::move(options));
}
template <typename D, typename CollateFn>
std::unique_ptr<DataLoader<D, CollateFn>> make_data_loader(D dataset, DataLoaderOptions options,
                                                           CollateFn collate) {
  return std::make_unique<DataLoader<D, CollateFn>>(std::move(dataset), std::move(options),
                                                    std::move(collate));
}
/// With a custom sampler (libtorch's make_data_loader(dataset, sampler, options)).
template <typename D>
std::unique_ptr<DataLoader<D>> make_data_loader(D dataset, std::shared_ptr<Sampler> sampler,
                                                DataLoaderOptions options) {
  options.sampler(std::move(sampler));
  return std::make_unique<DataLoader<D>>(std::move(dataset), std::move(options));
}

}  // namespace data
}  // namespace ember
