#pragma once
// A bank model of shared memory for the CPU tests of the GEMM kernels' layouts: 32 banks of 4
// bytes. A warp's 16-byte accesses take at least one 128-byte wavefront per 8 distinct chunks;
// they are conflict-free when no 16-byte bank group (chunk % 8) is hit by more distinct chunks than
// that. 4-byte accesses are conflict-free when no bank is hit by two distinct words (the same word
// is a broadcast).

#include <algorithm>
#include <cstddef>
#include <map>
#include <set>
#include <vector>

namespace gpubench::gemm::testing {

// The wavefronts a warp's 16-byte accesses of `chunks` (16-byte chunk indices) take.
inline int wavefronts_16b(const std::vector<int>& chunks) {
  std::map<int, std::set<int>> per_group;
  for (const int chunk : chunks)
    per_group[chunk % 8].insert(chunk);
  std::size_t most = 0;
  for (const auto& [group, distinct] : per_group)
    most = std::max(most, distinct.size());
  return static_cast<int>(most);
}
inline int min_wavefronts_16b(const std::vector<int>& chunks) {
  const std::set<int> distinct(chunks.begin(), chunks.end());
  return static_cast<int>((distinct.size() + 7) / 8);
}
inline bool conflict_free_16b(const std::vector<int>& chunks) {
  return wavefronts_16b(chunks) == min_wavefronts_16b(chunks);
}
// `words` are 4-byte word indices.
inline bool conflict_free_4b(const std::vector<int>& words) {
  std::map<int, std::set<int>> per_bank;
  for (const int word : words)
    per_bank[word % 32].insert(word);
  for (const auto& [bank, distinct] : per_bank) {
    if (distinct.size() > 1) return false;
  }
  return true;
}

}  // namespace gpubench::gemm::testing
