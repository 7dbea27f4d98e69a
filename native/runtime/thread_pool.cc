#include "runtime/thread_pool.h"

#include <chrono>

// A spin-wait hint: the pause instruction on x86; on AArch64 an ISB, which stalls the core for
// a few tens of cycles without a system call (YIELD is a no-op on many cores); elsewhere a yield
// to the scheduler.
#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define ALBERT_CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define ALBERT_CPU_RELAX() __asm__ __volatile__("isb" ::: "memory")
#else
#define ALBERT_CPU_RELAX() std::this_thread::yield()
#endif

namespace albert {
namespace {
// How long an idle thread polls before sleeping. Long enough to bridge the gaps between the
// GEMMs of one layer, short enough not to burn a core between requests.
constexpr auto kSpinTime = std::chrono::microseconds(100);
}  // namespace

ThreadPool::ThreadPool(int threads) {
  if (threads < 1) threads = 1;
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
}

// Claims tasks one at a time until none are left.
void ThreadPool::run_tasks() {
  for (;;) {
    const std::function<void(int)>* job;
    int task;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (next_task_ >= job_tasks_) return;
      task = next_task_++;
      job = job_;
    }
    try {
      (*job)(task);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error_) error_ = std::current_exception();
    }
    if (unfinished_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(mutex_);
      done_.notify_all();
    }
  }
}

bool ThreadPool::wait_for_job(unsigned seen) {
  const auto spin_until = std::chrono::steady_clock::now() + kSpinTime;
  while (generation_.load(std::memory_order_acquire) == seen && !stopping_.load(std::memory_order_relaxed)) {
    if (std::chrono::steady_clock::now() > spin_until) {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || generation_.load() != seen; });
      break;
    }
    ALBERT_CPU_RELAX();
  }
  return !stopping_.load();
}

void ThreadPool::worker_loop() {
  unsigned seen = 0;
  while (wait_for_job(seen)) {
    seen = generation_.load(std::memory_order_acquire);
    run_tasks();
  }
}

void ThreadPool::parallel_for(int tasks, const std::function<void(int)>& fn) {
  if (tasks <= 0) return;
  std::lock_guard<std::mutex> submit(submit_mutex_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job_ = &fn;
    job_tasks_ = tasks;
    next_task_ = 0;
    unfinished_.store(tasks, std::memory_order_relaxed);
    error_ = nullptr;
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  run_tasks();
  // The last tasks may still run on other threads: poll briefly, then sleep.
  const auto spin_until = std::chrono::steady_clock::now() + kSpinTime;
  while (unfinished_.load(std::memory_order_acquire) != 0 && std::chrono::steady_clock::now() < spin_until) ALBERT_CPU_RELAX();
  std::exception_ptr error;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return unfinished_.load() == 0; });
    job_ = nullptr;
    error = error_;
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace albert
