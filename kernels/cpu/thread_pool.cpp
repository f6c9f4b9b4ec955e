#include "cpu/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace ember {
namespace cpu {
namespace {

thread_local bool t_in_parallel = false;

// A fixed pool: workers wait on a condition variable for a job (a function
// and a chunk counter); the caller takes chunks too, then waits for the rest.
class Pool {
 public:
  explicit Pool(int n) { resize(n); }
  ~Pool() { stop(); }

  int size() const { return nthreads_; }

  void resize(int n) {
    stop();
    nthreads_ = std::max(1, n);
    quit_ = false;
    for (int i = 0; i + 1 < nthreads_; ++i) workers_.emplace_back([this] { loop(); });
  }

  void run(int64_t nchunks, const std::function<void(int64_t)>& chunk) {
    std::unique_lock<std::mutex> run_lock(run_mu_);  // one parallel job at a time
    {
      std::lock_guard<std::mutex> lk(mu_);
      job_ = &chunk;
      nchunks_ = nchunks;
      next_.store(0);
      done_ = 0;
      error_ = nullptr;
      ++generation_;
    }
    cv_.notify_all();
    work();
    std::unique_lock<std::mutex> lk(mu_);
    done_cv_.wait(lk, [&] { return done_ == nchunks_; });
    job_ = nullptr;
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void work() {
    t_in_parallel = true;
    for (;;) {
      int64_t i = next_.fetch_add(1);
      if (i >= nchunks_) break;
      try {
        (*job_)(i);
      } catch (...) {
        std::lock_guard<std::mutex> lk(mu_);
        if (!error_) error_ = std::current_exception();
      }
      std::lock_guard<std::mutex> lk(mu_);
      if (++done_ == nchunks_) done_cv_.notify_all();
    }
    t_in_parallel = false;
  }
  void loop() {
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait(lk, [&] { return quit_ || (generation_ != seen && job_ != nullptr); });
        if (quit_) return;
        seen = generation_;
      }
      work();
    }
  }
  void stop() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      quit_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  int nthreads_ = 1;
  std::vector<std::thread> workers_;
  std::mutex mu_, run_mu_;
  std::condition_variable cv_, done_cv_;
  const std::function<void(int64_t)>* job_ = nullptr;
  int64_t nchunks_ = 0;
  std::atomic<int64_t> next_{0};
  int64_t done_ = 0;
  uint64_t generation_ = 0;
  bool quit_ = false;
  std::exception_ptr error_;
};

int default_threads() {
  if (const char* env = std::getenv("EMBER_NUM_THREADS")) {
    int n = std::atoi(env);
    if (n > 0) return n;
  }
  unsigned hc = std::thread::hardware_concurrency();
  return hc ? int(hc) : 1;
}

Pool*& pool_ptr() {
  static Pool* p = nullptr;
  return p;
}
std::mutex& pool_mu() {
  static std::mutex m;
  return m;
}
Pool& pool() {
  std::lock_guard<std::mutex> lk(pool_mu());
  if (!pool_ptr()) pool_ptr() = new Pool(default_threads());  // leaked: lives until exit
  return *pool_ptr();
}

}  // namespace

int num_threads() { return pool().size(); }

void set_num_threads(int n) {
  Pool& p = pool();
  std::lock_guard<std::mutex> lk(pool_mu());
  if (n != p.size()) p.resize(n);
}

bool in_parallel_region() { return t_in_parallel; }

void parallel_for_impl(int64_t begin, int64_t end, int64_t grain,
                       const std::function<void(int64_t, int64_t)>& fn) {
  int64_t n = end - begin;
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  if (n <= grain || t_in_parallel) {
    fn(begin, end);
    return;
  }
  Pool& p = pool();
  int64_t nt = p.size();
  if (nt <= 1) {
    fn(begin, end);
    return;
  }
  int64_t nchunks = std::min<int64_t>(nt, (n + grain - 1) / grain);
  int64_t chunk = (n + nchunks - 1) / nchunks;
  p.run(nchunks, [&](int64_t i) {
    int64_t b = begin + i * chunk;
    int64_t e = std::min(end, b + chunk);
    if (b < e) fn(b, e);
  });
}

}  // namespace cpu
}  // namespace ember

namespace ember {
namespace cpu_threads {
int get() { return cpu::num_threads(); }
void set(int n) { cpu::set_num_threads(n); }
}  // namespace cpu_threads
}  // namespace ember
