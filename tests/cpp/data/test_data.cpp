// ember::data: TensorDataset, DataLoader (batching, shuffling, drop_last,
// background workers), samplers, random_split, Subset, the IDX and digits
// readers.

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>

#include "ember/data.h"
#include "testing/testing.h"

namespace ember {
namespace {

using data::DataLoader;
using data::DataLoaderOptions;
using data::datasets::TensorDataset;

TensorDataset make_ds(int64_t n) {
  Tensor x = arange(n * 2, kInt64).reshape({n, 2});
  Tensor y = arange(n, kInt64);
  return TensorDataset({x, y});
}

/// The y column of every batch, epoch by epoch.
template <typename Loader>
std::vector<std::vector<int64_t>> epoch_labels(Loader& loader) {
  std::vector<std::vector<int64_t>> out;
  for (auto& batch : loader) {
    EXPECT_EQ(batch.size(), 2u);
    Tensor y = batch[1].contiguous();
    Tensor x = batch[0].contiguous();
    std::vector<int64_t> ys(y.data_ptr<int64_t>(), y.data_ptr<int64_t>() + y.numel());
    for (int64_t i = 0; i < y.numel(); ++i) {
      EXPECT_EQ(x.data_ptr<int64_t>()[2 * i], 2 * ys[i]);  // rows stay together
    }
    out.push_back(ys);
  }
  return out;
}

TEST(DataLoader, SequentialBatches) {
  auto loader = data::make_data_loader(make_ds(10), DataLoaderOptions().batch_size(4));
  EXPECT_EQ(loader->size(), 3u);
  auto e = epoch_labels(*loader);
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0], (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(e[2], (std::vector<int64_t>{8, 9}));
  int count = 0;
  for (auto& batch : *loader) {
    EXPECT_EQ(batch[0].sizes(), (count < 2 ? IntArrayRef({4, 2}) : IntArrayRef({2, 2})));
    ++count;
  }
  EXPECT_EQ(count, 3);
}

TEST(DataLoader, DropLast) {
  auto loader = data::make_data_loader(make_ds(10), DataLoaderOptions(4).drop_last(true));
  EXPECT_EQ(loader->size(), 2u);
  auto e = epoch_labels(*loader);
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[1], (std::vector<int64_t>{4, 5, 6, 7}));
}

TEST(DataLoader, ShuffleIsSeededAndReshufflesEachEpoch) {
  auto a = data::make_data_loader(make_ds(50), DataLoaderOptions(8).shuffle(true).seed(7));
  auto b = data::make_data_loader(make_ds(50), DataLoaderOptions(8).shuffle(true).seed(7));
  auto c = data::make_data_loader(make_ds(50), DataLoaderOptions(8).shuffle(true).seed(8));
  auto a1 = epoch_labels(*a), a2 = epoch_labels(*a);
  EXPECT_EQ(a1, epoch_labels(*b));
  EXPECT_EQ(a2, epoch_labels(*b));
  EXPECT_NE(a1, a2);  // new permutation each epoch
  EXPECT_NE(a1, epoch_labels(*c));
  std::set<int64_t> seen;
  for (auto& batch : a1) seen.insert(batch.begin(), batch.end());
  EXPECT_EQ(seen.size(), 50u);
}

TEST(DataLoader, WorkersGiveTheSameBatches) {
  for (size_t workers : {1, 2, 3}) {
    auto serial = data::make_data_loader(make_ds(37), DataLoaderOptions(5).shuffle(true).seed(3));
    auto par = data::make_data_loader(make_ds(37), DataLoaderOptions(5).shuffle(true).seed(3).workers(workers));
    for (int epoch = 0; epoch < 3; ++epoch) EXPECT_EQ(epoch_labels(*serial), epoch_labels(*par)) << workers;
  }
}

TEST(DataLoader, WorkersStopEarlyAndRestart) {
  auto loader = data::make_data_loader(make_ds(100), DataLoaderOptions(3).workers(2).prefetch_factor(1));
  for (int rep = 0; rep < 3; ++rep) {
    int n = 0;
    for (auto& batch : *loader) {
      EXPECT_EQ(batch[1].data_ptr<int64_t>()[0], 3 * n);
      if (++n == 4) break;
    }
  }
  EXPECT_EQ(epoch_labels(*loader).size(), 34u);
}

struct Squares : data::Dataset<Squares> {
  data::Example<> get(size_t i) const override {
    EMBER_CHECK_INDEX(i != 13, "bad sample 13");
    return {full({2}, double(i), kFloat32), full(IntArrayRef(), int64_t(i * i), kInt64)};
  }
  std::optional<size_t> size() const override { return 20; }
};

TEST(DataLoader, ExampleDatasetsCollateToExampleBatches) {
  auto loader = data::make_data_loader(data::datasets::Subset<Squares>(Squares(), {1, 2, 3, 4, 5}),
                                       DataLoaderOptions(2));
  std::vector<int64_t> targets;
  for (auto& batch : *loader) {
    EXPECT_EQ(batch.data.dim(), 2);
    EXPECT_EQ(batch.data.size(1), 2);
    for (int64_t i = 0; i < batch.target.numel(); ++i) targets.push_back(batch.target.data_ptr<int64_t>()[i]);
  }
  EXPECT_EQ(targets, (std::vector<int64_t>{1, 4, 9, 16, 25}));
}

TEST(DataLoader, WorkerErrorsReachTheLoop) {
  for (size_t workers : {0, 2}) {
    auto loader = data::make_data_loader(Squares(), DataLoaderOptions(4).workers(workers));
    EXPECT_THROW_MSG(
        {
          for (auto& batch : *loader) (void)batch;
        },
        IndexError, "bad sample 13");
  }
}

TEST(DataLoader, CustomSamplerAndCollate) {
  auto sampler = std::make_shared<data::SubsetRandomSampler>(std::vector<size_t>{2, 4, 6, 8},
                                                              std::make_shared<Generator>(1));
  auto loader = data::make_data_loader(make_ds(10), sampler, DataLoaderOptions(4));
  auto e = epoch_labels(*loader);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(std::set<int64_t>(e[0].begin(), e[0].end()), (std::set<int64_t>{2, 4, 6, 8}));

  // A collate function that sums the labels of a batch.
  auto sum = [](const std::vector<std::vector<Tensor>>& samples) {
    int64_t s = 0;
    for (const auto& x : samples) s += x[1].item<int64_t>();
    return s;
  };
  auto l2 = data::make_data_loader(make_ds(6), DataLoaderOptions(3), sum);
  std::vector<int64_t> sums;
  for (auto& s : *l2) sums.push_back(s);
  EXPECT_EQ(sums, (std::vector<int64_t>{3, 12}));
}

TEST(DataCollate, NestedContainers) {
  std::vector<std::map<std::string, std::pair<Tensor, std::vector<Tensor>>>> samples(3);
  for (int i = 0; i < 3; ++i) {
    samples[i]["a"] = {full({2}, i, kFloat32), {full(IntArrayRef(), i, kInt64)}};
  }
  auto batch = data::default_collate(samples);
  EXPECT_EQ(batch["a"].first.sizes(), IntArrayRef({3, 2}));
  EXPECT_EQ(batch["a"].second[0].sizes(), IntArrayRef({3}));
  auto t = data::default_collate(std::vector<std::tuple<Tensor, Tensor>>{{ones({1}), zeros({2})}});
  EXPECT_EQ(std::get<1>(t).sizes(), IntArrayRef({1, 2}));
}

TEST(DataSplit, RandomSplitAndSubset) {
  auto ds = make_ds(10);
  Generator g(42);
  auto parts = data::random_split(ds, std::vector<size_t>{7, 3}, g);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(*parts[0].size(), 7u);
  EXPECT_EQ(*parts[1].size(), 3u);
  std::set<size_t> all;
  for (auto& p : parts) all.insert(p.indices().begin(), p.indices().end());
  EXPECT_EQ(all.size(), 10u);
  EXPECT_EQ(parts[1].get(0)[1].item<int64_t>(), int64_t(parts[1].indices()[0]));
  Generator g2(42);
  EXPECT_EQ(data::random_split(ds, std::vector<size_t>{7, 3}, g2)[0].indices(), parts[0].indices());
  auto fr = data::random_split(ds, std::vector<double>{0.5, 0.3, 0.2});
  EXPECT_EQ(*fr[0].size() + *fr[1].size() + *fr[2].size(), 10u);
  EXPECT_EQ(*fr[0].size(), 5u);
  EXPECT_THROW(data::random_split(ds, std::vector<size_t>{7, 4}), ValueError);
  EXPECT_THROW(data::datasets::Subset<TensorDataset>(ds, {10}), IndexError);
  // A loader over a subset.
  auto loader = data::make_data_loader(parts[1], DataLoaderOptions(8));
  auto e = epoch_labels(*loader);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].size(), 3u);
}

TEST(DataSets, TensorDatasetChecks) {
  EXPECT_THROW(TensorDataset({ones({3, 2}), ones({4})}), ValueError);
  auto ds = make_ds(4);
  EXPECT_EQ(ds.get(2)[0].sizes(), IntArrayRef({2}));
  EXPECT_THROW(ds.get(4), IndexError);
}

// ---------------------------------------------------------------- IDX

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/ember_data_XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { (void)std::system(("rm -rf '" + path + "'").c_str()); }
  std::string file(const std::string& name) const { return path + "/" + name; }
};

void write_bytes(const std::string& path, const std::vector<unsigned char>& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

std::vector<unsigned char> idx_header(unsigned char type, std::vector<uint32_t> dims) {
  std::vector<unsigned char> b = {0, 0, type, (unsigned char)dims.size()};
  for (uint32_t d : dims) {
    for (int s = 24; s >= 0; s -= 8) b.push_back((unsigned char)(d >> s));
  }
  return b;
}

TEST(DataIdx, ReadsImagesAndLabels) {
  TempDir dir;
  auto img = idx_header(0x08, {3, 28, 28});
  for (int i = 0; i < 3 * 28 * 28; ++i) img.push_back((unsigned char)(i % 251));
  write_bytes(dir.file("images-idx3-ubyte"), img);
  Tensor t = data::datasets::read_idx(dir.file("images-idx3-ubyte"));
  EXPECT_EQ(t.dtype(), kUInt8);
  EXPECT_EQ(t.sizes(), IntArrayRef({3, 28, 28}));
  EXPECT_EQ(t.contiguous().data_ptr<uint8_t>()[300], 300 % 251);

  auto lab = idx_header(0x08, {3});
  for (unsigned char v : {7, 2, 1}) lab.push_back(v);
  write_bytes(dir.file("labels-idx1-ubyte"), lab);
  Tensor l = data::datasets::read_idx(dir.file("labels-idx1-ubyte"));
  EXPECT_EQ(l.sizes(), IntArrayRef({3}));
  EXPECT_EQ(l.data_ptr<uint8_t>()[0], 7);

  // Big-endian int32 elements.
  auto i32 = idx_header(0x0C, {2});
  for (unsigned char v : {0, 0, 1, 2, 0xff, 0xff, 0xff, 0xfe}) i32.push_back(v);
  write_bytes(dir.file("i32"), i32);
  Tensor x = data::datasets::read_idx(dir.file("i32"));
  EXPECT_EQ(x.dtype(), kInt32);
  EXPECT_EQ(x.data_ptr<int32_t>()[0], 258);
  EXPECT_EQ(x.data_ptr<int32_t>()[1], -2);

  // A loader over images and labels.
  data::datasets::TensorDataset ds({t, l});
  auto loader = data::make_data_loader(ds, DataLoaderOptions(2));
  int n = 0;
  for (auto& batch : *loader) n += int(batch[0].size(0));
  EXPECT_EQ(n, 3);
}

TEST(DataIdx, CorruptFilesRaise) {
  TempDir dir;
  auto good = idx_header(0x08, {2, 2, 2});
  for (int i = 0; i < 8; ++i) good.push_back(1);
  auto path = dir.file("f");
  auto expect_error = [&](const std::vector<unsigned char>& bytes, const char* fragment) {
    write_bytes(path, bytes);
    EXPECT_THROW_MSG(data::datasets::read_idx(path), RuntimeError, fragment);
  };
  for (size_t cut = 0; cut < good.size(); ++cut) {
    write_bytes(path, std::vector<unsigned char>(good.begin(), good.begin() + cut));
    EXPECT_THROW(data::datasets::read_idx(path), RuntimeError) << cut;
  }
  auto bad_magic = good;
  bad_magic[0] = 1;
  expect_error(bad_magic, "magic");
  auto bad_type = good;
  bad_type[2] = 0x07;
  expect_error(bad_type, "type code");
  auto trailing = good;
  trailing.push_back(0);
  expect_error(trailing, "trailing");
  auto huge = idx_header(0x08, {0xffffffffu, 0xffffffffu, 0xffffffffu});
  expect_error(huge, "");
  auto rank0 = idx_header(0x08, {});
  expect_error(rank0, "rank");
  EXPECT_THROW_MSG(data::datasets::read_idx(dir.file("missing")), RuntimeError, "cannot open");
}

TEST(DataDigits, ReadsSklearnDigits) {
  std::string path = data::datasets::default_digits_path();
  if (access(path.c_str(), R_OK) != 0) GTEST_SKIP() << "python3-sklearn's digits.csv.gz not installed";
  auto ex = data::datasets::read_digits_csv(path);
  EXPECT_EQ(ex.data.sizes(), IntArrayRef({1797, 64}));
  EXPECT_EQ(ex.target.sizes(), IntArrayRef({1797}));
  EXPECT_EQ(ex.target.data_ptr<int64_t>()[0], 0);
  EXPECT_EQ(ex.target.data_ptr<int64_t>()[1], 1);
  EXPECT_EQ(ex.data.data_ptr<float>()[2], 5.0f);
  EXPECT_EQ(ex.data.max().item<float>(), 16.0f);
}

}  // namespace
}  // namespace ember
