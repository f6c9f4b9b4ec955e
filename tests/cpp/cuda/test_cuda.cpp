// The CUDA backend's tracer bullet: memory, copies between devices, the
// generic elementwise kernel against the CPU, device errors. Tests that need
// a GPU skip at run time without one; CudaAvailability runs everywhere.
#include <string>

#include "testing/testing.h"

using namespace ember;

namespace {

#define SKIP_WITHOUT_CUDA() \
  if (!ember::cuda::is_available()) GTEST_SKIP() << "no CUDA device"

const Device kCuda0("cuda:0");

Tensor input(IntArrayRef shape, ScalarType dtype, uint64_t seed = 0) {
  Generator g(seed + 7);
  Tensor t = rand(shape, g, kFloat64) * 8 - 4;  // [-4, 4)
  return t.to(dtype);
}

// ---- without a GPU (and with one) ----

TEST(CudaAvailability, DeviceCountMatchesIsAvailable) {
  EXPECT_GE(cuda::device_count(), 0);
  EXPECT_EQ(cuda::is_available(), cuda::device_count() > 0);
}

TEST(CudaAvailability, AllocationWithoutDeviceThrows) {
  if (cuda::is_available()) GTEST_SKIP() << "a CUDA device is present";
  try {
    Tensor t = ones({2}, Device("cuda"));
    ADD_FAILURE() << "expected an ember::Error from ones({2}, cuda)";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("cuda"), std::string::npos) << msg;
    // either "no CUDA device is available" (CUDA build) or "built without
    // CUDA support" (CPU-only build)
    EXPECT_TRUE(msg.find("no CUDA device") != std::string::npos || msg.find("without CUDA") != std::string::npos)
        << msg;
  }
  // and the library still works on the CPU afterwards
  EXPECT_EQ(ones({2}).sum().item<double>(), 2.0);
}

// ---- with a GPU ----

TEST(Cuda, AllocateAndReuseFreedBlock) {
  SKIP_WITHOUT_CUDA();
  Tensor t = empty({1000}, kCuda0);
  EXPECT_TRUE(t.is_cuda());
  EXPECT_EQ(t.device(), kCuda0);
  ASSERT_NE(t.data_ptr(), nullptr);
  void* p = t.data_ptr();
  t = Tensor();
  Tensor u = empty({1000}, kCuda0);  // same rounded size: the cached block
  EXPECT_EQ(u.data_ptr(), p);
}

TEST(Cuda, RoundTripKeepsValues) {
  SKIP_WITHOUT_CUDA();
  for (ScalarType dt : {kFloat32, kFloat64, kInt64, kInt32, kFloat16, kBool}) {
    Tensor a = input({3, 17}, dt);
    Tensor g = a.to(kCuda0);
    EXPECT_TRUE(g.is_cuda());
    EXPECT_EQ(g.dtype(), dt);
    Tensor back = g.cpu();
    EXPECT_TRUE(back.is_cpu());
    EXPECT_CLOSE_TOL(back, a, 0, 0) << dtype_name(dt);
  }
}

TEST(Cuda, ZerosOnesFull) {
  SKIP_WITHOUT_CUDA();
  EXPECT_CLOSE(zeros({4, 5}, kCuda0).cpu(), zeros({4, 5}));
  EXPECT_CLOSE(ones({7}, TensorOptions(kCuda0).dtype(kInt64)).cpu(), ones({7}, kInt64));
  EXPECT_CLOSE(full({3}, 2.5, TensorOptions(kCuda0).dtype(kFloat16)).cpu(), full({3}, 2.5, kFloat16));
  // a strided fill: every other column of a matrix
  Tensor m = zeros({4, 6}, kCuda0);
  m.slice(1, 0, 6, 2).fill_(3);
  Tensor ref = zeros({4, 6});
  ref.slice(1, 0, 6, 2).fill_(3);
  EXPECT_CLOSE(m.cpu(), ref);
}

TEST(Cuda, ToDtypeAndContiguous) {
  SKIP_WITHOUT_CUDA();
  Tensor a = input({5, 7}, kFloat32);
  Tensor g = a.to(kCuda0);
  // (float -> uint8 of negative values is undefined in C++: not compared)
  for (ScalarType dt : {kFloat64, kFloat16, kBFloat16, kInt32, kInt64, kInt16, kBool}) {
    EXPECT_CLOSE_TOL(g.to(dt).cpu(), a.to(dt), 0, 0) << dtype_name(dt);
  }
  Tensor gt = g.t();
  EXPECT_FALSE(gt.is_contiguous());
  Tensor c = gt.contiguous();
  EXPECT_TRUE(c.is_contiguous());
  EXPECT_CLOSE_TOL(c.cpu(), a.t().contiguous(), 0, 0);
  // non-contiguous source, dtype change on the way
  EXPECT_CLOSE_TOL(gt.to(kFloat64).cpu(), a.t().to(kFloat64), 0, 0);
  // integer sources
  Tensor i = input({9}, kInt64, 1);
  EXPECT_CLOSE_TOL(i.to(kCuda0).to(kFloat32).cpu(), i.to(kFloat32), 0, 0);
  EXPECT_CLOSE_TOL(i.to(kCuda0).to(kInt8).cpu(), i.to(kInt8), 0, 0);
}

TEST(Cuda, CopyIntoStridedDestinationAcrossDevices) {
  SKIP_WITHOUT_CUDA();
  Tensor a = input({4, 6}, kFloat32, 2);
  Tensor dst = zeros({6, 4}, kCuda0);
  dst.t().copy_(a);  // cpu -> a transposed cuda view
  EXPECT_CLOSE_TOL(dst.cpu(), a.t().contiguous(), 0, 0);
  Tensor host = zeros({6, 4}, kFloat64);
  host.copy_(dst);  // cuda -> cpu with a dtype change
  EXPECT_CLOSE_TOL(host, a.t().to(kFloat64), 0, 0);
}

TEST(Cuda, AddMulNegReluMatchCpu) {
  SKIP_WITHOUT_CUDA();
  for (ScalarType dt : {kFloat32, kFloat64, kInt64, kInt32, kFloat16}) {
    Tensor a = input({6, 33}, dt, 1), b = input({6, 33}, dt, 2);
    Tensor ga = a.to(kCuda0), gb = b.to(kCuda0);
    EXPECT_CLOSE(add(ga, gb).cpu(), add(a, b)) << dtype_name(dt);
    EXPECT_CLOSE(add(ga, gb, 3).cpu(), add(a, b, 3)) << dtype_name(dt);
    EXPECT_CLOSE(mul(ga, gb).cpu(), mul(a, b)) << dtype_name(dt);
    EXPECT_CLOSE(neg(ga).cpu(), neg(a)) << dtype_name(dt);
    EXPECT_CLOSE(relu(ga).cpu(), relu(a)) << dtype_name(dt);
  }
}

TEST(Cuda, BroadcastTransposedAndScalarOperands) {
  SKIP_WITHOUT_CUDA();
  Tensor a = input({4, 1, 5}, kFloat32, 3), b = input({3, 5}, kFloat32, 4), m = input({5, 8}, kFloat32, 5);
  Tensor ga = a.to(kCuda0), gb = b.to(kCuda0), gm = m.to(kCuda0);
  EXPECT_CLOSE(add(ga, gb).cpu(), add(a, b));             // [4, 3, 5]
  EXPECT_CLOSE(mul(gm.t(), gm.t()).cpu(), mul(m.t(), m.t()));
  EXPECT_CLOSE(add(gm.t(), m.t().contiguous().to(kCuda0)).cpu(), add(m.t(), m.t().contiguous()));
  EXPECT_CLOSE(add(ga, 2.0, 0.5).cpu(), add(a, 2.0, 0.5));
  EXPECT_CLOSE(mul(gb, 3).cpu(), mul(b, 3));
  // the result stays on the device and in the inputs' layout
  Tensor r = add(gm.t(), gm.t());
  EXPECT_TRUE(r.is_cuda());
}

TEST(Cuda, LargeTensorUsesManyBlocks) {
  SKIP_WITHOUT_CUDA();
  Tensor a = input({(1 << 20) + 3}, kFloat32, 6);
  Tensor ga = a.to(kCuda0);
  EXPECT_CLOSE(mul(ga, ga).cpu(), mul(a, a));
}

TEST(Cuda, MixedDevicesAreAnError) {
  SKIP_WITHOUT_CUDA();
  Tensor a = ones({3});
  Tensor g = ones({3}, kCuda0);
  EXPECT_THROW_MSG(add(a, g), RuntimeError, "expected all tensors to be on the same device, got cpu and cuda:0");
  EXPECT_THROW_MSG(mul(g, a), RuntimeError, "expected all tensors to be on the same device, got cuda:0 and cpu");
}

TEST(Cuda, TooManyDimsIsAnError) {
  SKIP_WITHOUT_CUDA();
  // 9 dims that no merge can collapse: a reversed permutation against a
  // contiguous tensor
  Shape shape(9, 2);
  Tensor a = ones(shape, kCuda0);
  Tensor b = ones(shape, kCuda0).permute({8, 7, 6, 5, 4, 3, 2, 1, 0});
  EXPECT_THROW_MSG(add(a, b), RuntimeError, "at most 8 dims");
}

TEST(Cuda, UnsupportedDtypeNamesTheOp) {
  SKIP_WITHOUT_CUDA();
  Tensor g = ones({3}, TensorOptions(kCuda0).dtype(kBool));
  EXPECT_THROW_MSG(neg(g), Error, "neg");
}

}  // namespace
