// The Hopper HGEMM (kernels/gemm/wgmma_hgemm.cu) computed on the CPU from its own index math, with
// the hardware played by the documentation-based models of tests/support/wgmma_model.hpp: TMA
// writes each box (zeros outside the matrix) where its 128B swizzle puts it, wgmma reads through
// the kernel's descriptors, each thread stores the accumulator elements its fragment holds. On
// shapes with tails in m, n and k, lone blocks and clusters of two, the product must be exact.
// What no GPU here can show, this shows for the kernel's arithmetic: boxes, stages, descriptors,
// schedule and epilogue together give C = A * B.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "kernels/common/wgmma_layout.hpp"
#include "kernels/gemm/wgmma_hgemm_tiling.hpp"
#include "support/gemm_reference.hpp"
#include "support/wgmma_model.hpp"

namespace gpubench {
namespace {

namespace hopper = gemm::hopper;
using gemm::MatrixCoord;

constexpr std::uint32_t kStagesAddress = 0x400;  // 1024-aligned, as the kernel aligns them

struct Problem {
  int m, n, k;
  std::vector<double> a, b;  // row-major, small integers (exact in FP16 and FP32)
};

// One block's shared memory, one value per 2-byte element address; NaN where nothing was written.
struct SharedMemory {
  std::vector<double> halves =
      std::vector<double>((kStagesAddress + hopper::kStages * hopper::kStageBytes) / 2,
                          std::numeric_limits<double>::quiet_NaN());
  double& at(std::uint32_t address) { return halves.at(address / 2); }
};

// TMA: a rows x cols box of `matrix` (row-major, `height` x `width`) whose first element is at
// (outer, inner), into shared memory from `box_base`, zeros outside the matrix.
void tma_box(SharedMemory& smem, std::uint32_t box_base, const std::vector<double>& matrix,
             int height, int width, hopper::BoxOrigin at, int rows, int cols) {
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      const int row = at.outer + r, col = at.inner + c;
      const bool inside = row < height && col < width;
      smem.at(testing::tma_written(box_base, r, 2 * c)) =
          inside ? matrix[static_cast<std::size_t>(row) * width + col] : 0.0;
    }
  }
}

// The stage's loads for one block: its A box unless below the matrix, and every B panel, each
// from the tile column of the block that loads (multicasts) it.
void load_stage(SharedMemory& smem, const Problem& p, int stage, int kt, MatrixCoord tile,
                const std::vector<MatrixCoord>& cluster_tiles, int cluster_m, int tiles_m) {
  if (tile.row < tiles_m) {
    tma_box(smem, kStagesAddress + hopper::a_stage_offset(stage), p.a, p.m, p.k,
            hopper::a_box(tile.row, kt), hopper::kBlockM, hopper::kBlockK);
  }
  for (int panel = 0; panel < hopper::kPanels; ++panel) {
    const MatrixCoord loader =
        cluster_tiles[static_cast<std::size_t>(hopper::panel_loader(panel, cluster_m))];
    tma_box(smem, kStagesAddress + hopper::b_panel_offset(stage, panel), p.b, p.k, p.n,
            hopper::b_box(loader.col, kt, panel), hopper::kBlockK, hopper::kPanelN);
  }
}

// One consumer's wgmma over a stage: acc (64 x 256) += A rows x B, slice by slice.
void multiply_stage(SharedMemory& smem, int stage, int consumer, std::vector<double>& acc) {
  for (int slice = 0; slice < hopper::kKSlices; ++slice) {
    const std::uint64_t a = hopper::a_descriptor(kStagesAddress, stage, consumer, slice);
    const std::uint64_t b = hopper::b_descriptor(kStagesAddress, stage, slice);
    std::vector<double> b_slice(16 * hopper::kBlockN);
    for (int k = 0; k < 16; ++k) {
      for (int n = 0; n < hopper::kBlockN; ++n)
        b_slice[k * hopper::kBlockN + n] = smem.at(testing::wgmma_reads_mn_major(b, k, n));
    }
    for (int row = 0; row < wgmma::kWgmmaM; ++row) {
      for (int k = 0; k < 16; ++k) {
        const double a_value = smem.at(testing::wgmma_reads_k_major(a, row, k));
        for (int n = 0; n < hopper::kBlockN; ++n)
          acc[row * hopper::kBlockN + n] += a_value * b_slice[k * hopper::kBlockN + n];
      }
    }
  }
}

// The epilogue as store_tile runs it, pass by pass. Thread t writes its accumulator elements i,
// i + 1 of the pass into the staging buffer where fragment_staging_offset puts them; what the
// elements hold is the hardware's business, played by the PTX figure's own transcription
// (testing::ptx_d_fragment_table), so a wrong accumulator_coord or staging offset puts values in
// the wrong places. After the barrier, thread t reads the 16-byte chunk readout_coord names back
// from staging_offset and stores its in-range halves. Every byte of the buffer is written once per
// pass and no chunk is read before it was written.
void store_tile(const std::vector<double>& acc, MatrixCoord origin, const Problem& p,
                std::vector<double>& c, std::vector<int>& writes) {
  static const std::vector<testing::DPosition> held =
      testing::ptx_d_fragment_table(hopper::kBlockN);
  for (int pass = 0; pass < hopper::kStagingPasses; ++pass) {
    std::vector<double> staging(hopper::kStagingBytes / 2, std::nan(""));
    std::vector<int> staged(staging.size(), 0);
    for (int thread = 0; thread < wgmma::kWarpgroupThreads; ++thread) {
      for (int e = 0; e < hopper::kPassElements; e += 2) {
        const int i = pass * hopper::kPassElements + e;
        ASSERT_EQ(hopper::staging_pass(i), pass) << "element " << i;
        const std::uint32_t address = hopper::fragment_staging_offset(thread, i);
        ASSERT_EQ(address % 4, 0u) << "a half2 store";
        for (int h = 0; h < 2; ++h) {
          const testing::DPosition value = held[static_cast<std::size_t>(thread * 128 + i + h)];
          staging.at(address / 2 + h) =
              acc[static_cast<std::size_t>(value.row) * hopper::kBlockN + value.col];
          ++staged.at(address / 2 + h);
        }
      }
    }
    ASSERT_EQ(std::count(staged.begin(), staged.end(), 1), static_cast<long>(staged.size()))
        << "pass " << pass << ": a staging element written twice or never";
    for (int thread = 0; thread < wgmma::kWarpgroupThreads; ++thread) {
      for (int step = 0; step < hopper::kReadoutSteps; ++step) {
        const MatrixCoord at = hopper::readout_coord(thread, step);
        const int row = origin.row + at.row;
        const int col = origin.col + pass * hopper::kStagingColumns + at.col;
        const std::uint32_t address = hopper::staging_offset(at.row, at.col);
        ASSERT_EQ(address % 16, 0u) << "a 16-byte load";
        for (int e = 0; e < gemm::valid_elements(row, col, p.m, p.n, 8); ++e) {
          const std::size_t out = static_cast<std::size_t>(row) * p.n + col + e;
          c[out] = staging.at(address / 2 + e);
          ++writes[out];
        }
      }
    }
  }
}

// Every cluster's every work unit, block by block, in the kernel's order.
std::vector<double> model_hgemm(const Problem& p, int cluster_m, std::vector<int>& writes) {
  const int tiles_m = gemm::ceil_div(p.m, hopper::kBlockM);
  const int tiles_n = gemm::ceil_div(p.n, hopper::kBlockN);
  const int k_tiles = gemm::ceil_div(p.k, hopper::kBlockK);
  std::vector<double> c(static_cast<std::size_t>(p.m) * p.n, std::nan(""));
  writes.assign(c.size(), 0);
  for (int unit = 0; unit < hopper::cluster_tiles(tiles_m, tiles_n, cluster_m); ++unit) {
    std::vector<MatrixCoord> cluster;
    for (int rank = 0; rank < cluster_m; ++rank)
      cluster.push_back(hopper::cluster_block_tile(unit, rank, tiles_m, tiles_n, cluster_m));
    for (int rank = 0; rank < cluster_m; ++rank) {
      const MatrixCoord tile = cluster[static_cast<std::size_t>(rank)];
      SharedMemory smem;
      std::vector<std::vector<double>> acc(
          hopper::kConsumers, std::vector<double>(wgmma::kWgmmaM * hopper::kBlockN, 0.0));
      for (int kt = 0; kt < k_tiles; ++kt) {
        const int stage = hopper::stage_of(kt);
        load_stage(smem, p, stage, kt, tile, cluster, cluster_m, tiles_m);
        if (tile.row >= tiles_m) continue;
        for (int consumer = 0; consumer < hopper::kConsumers; ++consumer)
          multiply_stage(smem, stage, consumer, acc[static_cast<std::size_t>(consumer)]);
      }
      if (tile.row >= tiles_m) continue;
      for (int consumer = 0; consumer < hopper::kConsumers; ++consumer) {
        store_tile(acc[static_cast<std::size_t>(consumer)], hopper::output_origin(tile, consumer),
                   p, c, writes);
      }
    }
  }
  return c;
}

TEST(WgmmaHgemmModel, ComputesTheProductExactlyOnShapesWithTails) {
  struct Shape {
    int m, n, k;
  };
  // One element; tails in m, n and k; more k tiles than stages; odd and even tile rows.
  for (const Shape s : {Shape{1, 8, 8}, Shape{129, 264, 72}, Shape{200, 136, 24},
                        Shape{300, 520, 328}, Shape{384, 256, 64}}) {
    const Problem p{s.m, s.n, s.k, gemm::testing::integer_matrix(s.m, s.k, s.m),
                    gemm::testing::integer_matrix(s.k, s.n, s.n)};
    const std::vector<double> expected = gemm::testing::reference_gemm(s.m, s.n, s.k, p.a, p.b);
    for (const int cluster_m : {1, 2}) {
      std::vector<int> writes;
      const std::vector<double> c = model_hgemm(p, cluster_m, writes);
      const std::string what = std::to_string(s.m) + "x" + std::to_string(s.n) + "x" +
                               std::to_string(s.k) + ", clusters of " + std::to_string(cluster_m);
      int wrong = 0;
      for (std::size_t i = 0; i < c.size() && wrong < 5; ++i) {
        if (c[i] == expected[i] && writes[i] == 1) continue;
        ++wrong;
        ADD_FAILURE() << what << ": C[" << i / static_cast<std::size_t>(s.n) << "]["
                      << i % static_cast<std::size_t>(s.n) << "] = " << c[i] << ", expected "
                      << expected[i] << ", stored " << writes[i] << " times";
      }
    }
  }
}

}  // namespace
}  // namespace gpubench

namespace gpubench {
namespace {

namespace hopper = gemm::hopper;

// Wavefronts one warp-wide shared-memory access takes, by the documented rule (CUDA C++
// Programming Guide, "Shared Memory" of compute capability 5.x and later, and NVIDIA's GTC 2018
// "Volta: Performance Tuning", 128-bit accesses): 32 banks of 4-byte words; a wavefront serves each
// bank one word (threads on the same word share it) and carries at most 128 bytes.
std::size_t wavefronts(const std::vector<std::uint32_t>& addresses, int bytes_per_thread) {
  std::vector<std::set<std::uint32_t>> words(32);
  std::set<std::uint32_t> all;
  for (const std::uint32_t address : addresses) {
    for (int w = 0; w < bytes_per_thread / 4; ++w) {
      const std::uint32_t word = address / 4 + static_cast<std::uint32_t>(w);
      words[word % 32].insert(word);
      all.insert(word);
    }
  }
  std::size_t most = (all.size() * 4 + 127) / 128;
  for (const auto& bank : words)
    most = std::max(most, bank.size());
  return most;
}

// Each warp's fragment store (one st.shared.b32 per accumulator pair: 8 rows x 4 lanes of one
// chunk) takes one wavefront, and each read-out load (ld.shared.v4: 512 bytes) the minimum of four;
// a read-out warp covers two whole rows of 256 bytes, so its global stores fill whole sectors.
TEST(WgmmaHgemmEpilogue, SharedAccessesTakeTheFewestWavefronts) {
  for (int warp = 0; warp < 4; ++warp) {
    for (int i = 0; i < 128; i += 2) {
      std::vector<std::uint32_t> stores;
      for (int lane = 0; lane < 32; ++lane)
        stores.push_back(hopper::fragment_staging_offset(32 * warp + lane, i));
      EXPECT_EQ(wavefronts(stores, 4), 1u) << "warp " << warp << ", element " << i;
    }
    for (int step = 0; step < hopper::kReadoutSteps; ++step) {
      std::vector<std::uint32_t> loads;
      for (int lane = 0; lane < 32; ++lane) {
        const gemm::MatrixCoord at = hopper::readout_coord(32 * warp + lane, step);
        loads.push_back(hopper::staging_offset(at.row, at.col));
        const gemm::MatrixCoord first = hopper::readout_coord(32 * warp, step);
        EXPECT_EQ(at.row, first.row + lane / 16);
        EXPECT_EQ(at.col, 8 * (lane % 16)) << "warp " << warp << ", step " << step;
      }
      EXPECT_EQ(wavefronts(loads, 16), 4u) << "warp " << warp << ", step " << step;
    }
  }
}

}  // namespace
}  // namespace gpubench
