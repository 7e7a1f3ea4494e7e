#pragma once
// Many files read at once (history, fleet): items 0..count-1 handed out to `jobs` threads, the
// calling thread among them.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace gpubench {

// Calls work(state, i) for every i < count, each exactly once, on up to `jobs` threads (0: one per
// hardware thread). Each thread makes its own state with make_state() first, for what must not be
// shared between threads (a cache, a compiled regex).
template <typename MakeState, typename Work>
void for_each_index_in_parallel(std::size_t count, unsigned jobs, MakeState make_state, Work work) {
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, std::max<std::size_t>(count, 1)));
  std::atomic<std::size_t> next{0};
  auto run = [&] {
    auto state = make_state();
    for (std::size_t i = next++; i < count; i = next++)
      work(state, i);
  };
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < jobs; ++t)
    threads.emplace_back(run);
  run();
  for (auto& thread : threads)
    thread.join();
}

}  // namespace gpubench
