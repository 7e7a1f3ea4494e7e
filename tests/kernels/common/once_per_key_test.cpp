// The once-per-key table the launchers keep their per-device, per-kernel and per-shape host work in
// (kernels/common/once_per_key.hpp): the peak kernels' shared-memory attribute, the HGEMM's tensor
// maps and resident cluster count.
#include "kernels/common/once_per_key.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

namespace gpubench {
namespace {

using common::OncePerKey;

TEST(OncePerKey, MakesEachKeysValueOnce) {
  OncePerKey<std::pair<int, const void*>, int> table(8);
  int made = 0;
  const int kernel_a = 0, kernel_b = 0;
  const auto make = [&] { return ++made; };
  EXPECT_EQ(table.get({0, &kernel_a}, make), 1);
  EXPECT_EQ(table.get({0, &kernel_a}, make), 1) << "the same device and kernel: stored";
  EXPECT_EQ(table.get({1, &kernel_a}, make), 2) << "another device";
  EXPECT_EQ(table.get({0, &kernel_b}, make), 3) << "another kernel";
  EXPECT_EQ(table.get({1, &kernel_a}, make), 2);
  EXPECT_EQ(made, 3);
  EXPECT_EQ(table.size(), 3u);
}

// The HGEMM's tensor-map key: address, rows, cols, box rows, box cols; each one tells maps apart.
TEST(OncePerKey, EveryPartOfATensorMapKeyCounts) {
  using Key = std::tuple<const void*, int, int, int, int>;
  OncePerKey<Key, int> table(16);
  int made = 0;
  const auto make = [&] { return ++made; };
  const char buffer[2] = {};
  const std::vector<Key> keys = {{buffer, 128, 64, 128, 64}, {buffer + 1, 128, 64, 128, 64},
                                 {buffer, 256, 64, 128, 64}, {buffer, 128, 72, 128, 64},
                                 {buffer, 128, 64, 64, 64},  {buffer, 128, 64, 128, 32}};
  for (const Key& key : keys)
    table.get(key, make);
  EXPECT_EQ(made, static_cast<int>(keys.size()));
  for (const Key& key : keys)
    table.get(key, make);
  EXPECT_EQ(made, static_cast<int>(keys.size())) << "a second round makes nothing";
}

TEST(OncePerKey, StartsOverWhenFullSoItStaysSmall) {
  OncePerKey<int, int> table(3);
  int made = 0;
  const auto make = [&] { return ++made; };
  for (int key = 0; key < 10; ++key) {
    table.get(key, make);
    EXPECT_LE(table.size(), 3u);
  }
  EXPECT_EQ(made, 10);
  EXPECT_EQ(table.get(9, make), 10) << "the newest key survives the start-over";
  EXPECT_EQ(made, 10);
}

TEST(OncePerKey, AFailedMakeIsNotStored) {
  OncePerKey<int, int> table(4);
  EXPECT_THROW(table.get(1, []() -> int { throw std::runtime_error("no driver"); }),
               std::runtime_error);
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.get(1, [] { return 7; }), 7) << "the next call tries again";
}

TEST(OncePerKey, ConcurrentCallersShareOneMake) {
  OncePerKey<int, int> table(16);
  std::atomic<int> made{0};
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 200; ++round) {
        const int key = (t + round) % 4;
        const int value = table.get(key, [&] {
          ++made;
          return 100 + key;
        });
        if (value != 100 + key) ++wrong;
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(made.load(), 4) << "one make per key, whoever asked first";
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace gpubench
