// A small fork-join thread pool. parallel_for splits [0, n) into tasks and the calling thread
// works alongside the pool's threads, so a pool of size T uses T-1 helper threads.
// One parallel_for runs at a time per pool (callers serialise on a mutex); concurrent
// forwards on one model therefore queue instead of oversubscribing the cores.
// Idle workers spin briefly before sleeping: a transformer layer issues parallel_for calls
// microseconds apart, and a condition-variable wake-up costs 10-20 us each time.
#pragma once
#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace albert {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs fn(task) for every task in [0, tasks), spread over the pool. Blocks until all finish.
  // Exceptions thrown by fn are rethrown (the first one) on the calling thread. Must not be
  // called from inside a task of the same pool (it would deadlock).
  void parallel_for(int tasks, const std::function<void(int task)>& fn);

 private:
  void worker_loop();
  void run_tasks();
  bool wait_for_job(unsigned seen);  // false when stopping

  std::vector<std::thread> workers_;
  std::mutex submit_mutex_;  // one job at a time
  std::mutex mutex_;         // guards the job fields below
  std::condition_variable wake_;
  std::condition_variable done_;
  const std::function<void(int)>* job_ = nullptr;
  int job_tasks_ = 0;
  int next_task_ = 0;
  std::atomic<int> unfinished_{0};
  std::atomic<unsigned> generation_{0};
  std::atomic<bool> stopping_{false};
  std::exception_ptr error_;
};

// Runs fn over [0, tasks) on the pool, or inline when pool is null or there is one task.
inline void parallel_for(ThreadPool* pool, int tasks, const std::function<void(int)>& fn) {
  if (pool && tasks > 1 && pool->size() > 1) {
    pool->parallel_for(tasks, fn);
  } else {
    for (int t = 0; t < tasks; ++t) fn(t);
  }
}

}  // namespace albert
