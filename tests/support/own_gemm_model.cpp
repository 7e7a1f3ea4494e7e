#include "support/own_gemm_model.hpp"

#include <array>
#include <cstddef>
#include <limits>
#include <vector>

#include "support/own_gemm_configs.hpp"

namespace gpubench::gemm::testing {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::size_t index_of(int i) {
  return static_cast<std::size_t>(i);
}

// The operands of one model run: row-major A (m x k) and B (k x n).
struct Problem {
  int m, n, k;
  const std::vector<double>& a;
  const std::vector<double>& b;
};

// C (m x n) as the epilogue leaves it: NaN where nothing was stored, each store counted.
struct ResultMatrix {
  int n;
  std::vector<double>& c;
  std::vector<int>& writes;
  void store(int row, int col, double value) const {
    const std::size_t at = index_of(row) * index_of(n) + index_of(col);
    c[at] = value;
    ++writes[at];
  }
};

// Runs `block(row0, col0)` for each block of the launch in the kernels' rasterization order
// (block_tile), (row0, col0) being where its bm x bn tile of C starts.
template <typename Block>
void for_each_block(int m, int n, int bm, int bn, Block block) {
  const int tiles_m = ceil_div(m, bm);
  const int tiles_n = ceil_div(n, bn);
  for (int b = 0; b < tiles_m * tiles_n; ++b) {
    const MatrixCoord tile = block_tile(b, tiles_m, tiles_n, kBlockGroupM);
    block(tile.row * bm, tile.col * bn);
  }
}

// --- the copies of a k tile into shared memory (both kernels)

// Where one operand's tile for one k tile comes from: the whole row-major matrix (rows x cols) and
// the tile's first element in it.
struct SourceTile {
  const std::vector<double>& matrix;
  int rows, cols;
  int row0, col0;
};
// How a block copies it: each of `threads` threads issues `copies_per_thread` copies (copy_chunk)
// of `chunk_elements` elements, the tile being `chunks_per_row` such chunks wide.
struct TileCopies {
  int threads, copies_per_thread, chunks_per_row, chunk_elements;
};

// The shared-memory tile (`smem_elements` long) the block's copies fill: a copy reads its chunk
// with valid_elements' guard (zeros past the matrix's edge) and `stored_at(chunk, element)` says
// where each element lands. What no copy writes stays NaN.
template <typename StoredAt>
std::vector<double> copy_tile(const SourceTile& from, TileCopies copies, int smem_elements,
                              StoredAt stored_at) {
  std::vector<double> smem(index_of(smem_elements), kNaN);
  for (int thread = 0; thread < copies.threads; ++thread) {
    for (int i = 0; i < copies.copies_per_thread; ++i) {
      const ChunkCoord ch = copy_chunk(thread, i, copies.threads, copies.chunks_per_row);
      const int row = from.row0 + ch.row;
      const int col = from.col0 + ch.chunk * copies.chunk_elements;
      const int valid = valid_elements(row, col, from.rows, from.cols, copies.chunk_elements);
      for (int e = 0; e < copies.chunk_elements; ++e) {
        smem[index_of(stored_at(ch, e))] =
            e < valid ? element_at(from.matrix, from.cols, row, col + e) : 0.0;
      }
    }
  }
  return smem;
}

// One pipeline stage's shared memory: the A and B tiles of one k tile.
struct SharedTiles {
  std::vector<double> a, b;
};

// --- HGEMM

// The cp.async copies of the k tile from k0: A (bm x bk) and B (bk x bn) in 16-byte chunks of 8
// halves, stored at their swizzled chunks.
SharedTiles hgemm_copy_k_tile(const HgemmTile& t, const Problem& p, int row0, int col0, int k0) {
  const auto swizzled = [](int chunks_per_row) {
    return [chunks_per_row](ChunkCoord ch, int e) {
      return swizzled_chunk_index(ch.row, ch.chunk, chunks_per_row) * 8 + e;
    };
  };
  return {copy_tile({p.a, p.m, p.k, row0, k0},
                    {t.threads(), t.a_copies_per_thread(), t.a_chunks_per_row(), 8}, t.bm * t.bk,
                    swizzled(t.a_chunks_per_row())),
          copy_tile({p.b, p.k, p.n, k0, col0},
                    {t.threads(), t.b_copies_per_thread(), t.b_chunks_per_row(), 8}, t.bk * t.bn,
                    swizzled(t.b_chunks_per_row()))};
}

// One warp's registers after its ldmatrix loads of one k step: an A fragment (4 registers of 2
// halves) per 16-row mma tile mi, a B fragment (2 registers) per 8-column mma tile ni.
struct WarpFragments {
  int mt, nt;
  std::vector<double> a = std::vector<double>(index_of(32 * mt * 8));
  std::vector<double> b = std::vector<double>(index_of(32 * nt * 4));
  std::size_t a_index(int lane, int mi, int reg, int e) const {
    return index_of(((lane * mt + mi) * 4 + reg) * 2 + e);
  }
  std::size_t b_index(int lane, int ni, int reg, int e) const {
    return index_of(((lane * nt + ni) * 2 + reg) * 2 + e);
  }
};

// The ldmatrix.x4 loads of k step `ks` by the warp whose tile starts at `origin`: matrix q of a
// load is addressed by lanes 8q..8q+7 (ldmatrix_a_source, ldmatrix_b_trans_source), and register q
// of each lane gets two elements of it (ldmatrix_element). One .trans load of B fills the
// fragments of two adjacent 8-column tiles.
WarpFragments hgemm_ldmatrix(const HgemmTile& t, const SharedTiles& smem, MatrixCoord origin,
                             int ks) {
  WarpFragments f{t.mma_tiles_m(), t.mma_tiles_n()};
  for (int lane = 0; lane < 32; ++lane) {
    for (int q = 0; q < 4; ++q) {
      for (int e = 0; e < 2; ++e) {
        const MatrixCoord in_a = ldmatrix_element(lane, e, false);
        const ChunkCoord a_src = ldmatrix_a_source(8 * q + in_a.row);
        for (int mi = 0; mi < f.mt; ++mi) {
          const int index = swizzled_chunk_index(origin.row + mi * 16 + a_src.row,
                                                 ks * 2 + a_src.chunk, t.a_chunks_per_row());
          f.a[f.a_index(lane, mi, q, e)] = smem.a[index_of(index * 8 + in_a.col)];
        }
        const MatrixCoord in_b = ldmatrix_element(lane, e, true);
        const ChunkCoord b_src = ldmatrix_b_trans_source(8 * q + in_b.row);
        for (int nj = 0; nj < f.nt / 2; ++nj) {
          const int index = swizzled_chunk_index(
              ks * 16 + b_src.row, (origin.col + nj * 16) / 8 + b_src.chunk, t.b_chunks_per_row());
          f.b[f.b_index(lane, 2 * nj + q / 2, q % 2, e)] = smem.b[index_of(index * 8 + in_b.col)];
        }
      }
    }
  }
  return f;
}

// A block's accumulators: per thread, mma tile (mi, ni) and C-fragment element e (4 of them).
struct HgemmAccumulators {
  int mt, nt;
  std::vector<double> values;
  explicit HgemmAccumulators(const HgemmTile& t)
      : mt(t.mma_tiles_m()),
        nt(t.mma_tiles_n()),
        values(index_of(t.threads() * mt * nt * 4), 0.0) {}
  std::size_t index(int warp, int lane, int mi, int ni, int e) const {
    return index_of((((warp * 32 + lane) * mt + mi) * nt + ni) * 4 + e);
  }
};

// mma.m16n8k16 of tile (mi, ni) as the PTX ISA defines it: the 16x16 A and 16x8 B matrices the
// lanes' fragments hold (mma::a_coord, mma::b_coord), multiplied, and each lane's four C elements
// (mma::c_coord) added to its accumulators.
void hgemm_mma(const WarpFragments& f, int warp, int mi, int ni, HgemmAccumulators& acc) {
  std::array<std::array<double, 16>, 16> am{};
  std::array<std::array<double, 8>, 16> bm{};
  for (int lane = 0; lane < 32; ++lane) {
    for (int e = 0; e < 2; ++e) {
      for (int reg = 0; reg < 4; ++reg) {
        const MatrixCoord p = mma::a_coord(kM16N8K16, lane, reg, e);
        am[index_of(p.row)][index_of(p.col)] = f.a[f.a_index(lane, mi, reg, e)];
      }
      for (int reg = 0; reg < 2; ++reg) {
        const MatrixCoord p = mma::b_coord(kM16N8K16, lane, reg, e);
        bm[index_of(p.row)][index_of(p.col)] = f.b[f.b_index(lane, ni, reg, e)];
      }
    }
  }
  for (int lane = 0; lane < 32; ++lane) {
    for (int e = 0; e < 4; ++e) {
      const MatrixCoord p = mma::c_coord(lane, e);
      double sum = 0;
      for (std::size_t kk = 0; kk < 16; ++kk)
        sum += am[index_of(p.row)][kk] * bm[kk][index_of(p.col)];
      acc.values[acc.index(warp, lane, mi, ni, e)] += sum;
    }
  }
}

// The epilogue: each lane stores its accumulators as pairs of adjacent columns (hgemm_output),
// as much of each pair as lies inside C (valid_elements).
void hgemm_store(const HgemmTile& t, const HgemmAccumulators& acc, int m, int row0, int col0,
                 const ResultMatrix& out) {
  for (int warp = 0; warp < t.warps(); ++warp) {
    for (int lane = 0; lane < 32; ++lane) {
      for (int mi = 0; mi < acc.mt; ++mi) {
        for (int ni = 0; ni < acc.nt; ++ni) {
          for (int pair = 0; pair < 2; ++pair) {
            const MatrixCoord p = hgemm_output(t, warp, lane, mi, ni, 2 * pair);
            const int row = row0 + p.row;
            const int col = col0 + p.col;
            const int valid = valid_elements(row, col, m, out.n, 2);
            for (int e = 0; e < valid; ++e)
              out.store(row, col + e, acc.values[acc.index(warp, lane, mi, ni, 2 * pair + e)]);
          }
        }
      }
    }
  }
}

// --- SGEMM

// The copies of the k tile from k0 in float4 chunks: A transposed into its swizzled k-major tile
// (sgemm_a_smem_index), B row by row (sgemm_b_smem_index).
SharedTiles sgemm_copy_k_tile(const SgemmTile& t, const Problem& p, int row0, int col0, int k0) {
  return {
      copy_tile(
          {p.a, p.m, p.k, row0, k0},
          {t.threads(), t.a_copies_per_thread(), t.a_chunks_per_row(), 4}, t.a_stage_floats(),
          [&t](ChunkCoord ch, int j) { return sgemm_a_smem_index(t, ch.chunk * 4 + j, ch.row); }),
      copy_tile(
          {p.b, p.k, p.n, k0, col0},
          {t.threads(), t.b_copies_per_thread(), t.b_chunks_per_row(), 4}, t.b_stage_floats(),
          [&t](ChunkCoord ch, int j) { return sgemm_b_smem_index(t, ch.row, ch.chunk * 4 + j); })};
}

// One thread's step `kk` of the inner loop: two float4 reads of A and two of B (half a warp tile
// apart), then the 8x8 outer product added to its 64 accumulators in `acc` (64 per thread,
// thread-major).
void sgemm_thread_k_step(const SgemmTile& t, const SharedTiles& smem, int thread, int kk,
                         std::vector<double>& acc) {
  const MatrixCoord origin = sgemm_output(t, thread, 0, 0);
  std::array<double, 8> fa{};
  std::array<double, 8> fb{};
  for (int h = 0; h < 2; ++h) {
    const int ai = sgemm_a_smem_index(t, kk, origin.row + h * (t.warp_m() / 2));
    const int bi = sgemm_b_smem_index(t, kk, origin.col + h * (t.warp_n() / 2));
    for (int q = 0; q < 4; ++q) {
      fa[index_of(4 * h + q)] = smem.a[index_of(ai + q)];
      fb[index_of(4 * h + q)] = smem.b[index_of(bi + q)];
    }
  }
  for (std::size_t i = 0; i < 8; ++i) {
    for (std::size_t j = 0; j < 8; ++j)
      acc[index_of(thread) * 64 + i * 8 + j] += fa[i] * fb[j];
  }
}

// The epilogue: each thread stores its 8x8 results as 4-wide rows of two 4x4 sub-tiles half a warp
// tile apart, as much of each row as lies inside C (valid_elements).
void sgemm_store(const SgemmTile& t, const std::vector<double>& acc, int m, int row0, int col0,
                 const ResultMatrix& out) {
  for (int thread = 0; thread < t.threads(); ++thread) {
    const MatrixCoord origin = sgemm_output(t, thread, 0, 0);
    for (int i = 0; i < 8; ++i) {
      const int row = row0 + origin.row + (i / 4) * (t.warp_m() / 2) + i % 4;
      for (int h = 0; h < 2; ++h) {
        const int col = col0 + origin.col + h * (t.warp_n() / 2);
        const int valid = valid_elements(row, col, m, out.n, 4);
        for (int j = 0; j < valid; ++j)
          out.store(row, col + j, acc[index_of(thread * 64 + i * 8 + 4 * h + j)]);
      }
    }
  }
}

}  // namespace

double element_at(const std::vector<double>& matrix, int cols, int row, int col) {
  return matrix[index_of(row) * index_of(cols) + index_of(col)];
}

std::vector<double> model_hgemm(HgemmTile t, int m, int n, int k, const std::vector<double>& a,
                                const std::vector<double>& b, std::vector<int>& writes) {
  const Problem p{m, n, k, a, b};
  std::vector<double> c(index_of(m) * index_of(n), kNaN);
  writes.assign(c.size(), 0);
  for_each_block(m, n, t.bm, t.bn, [&](int row0, int col0) {
    HgemmAccumulators acc(t);
    for (int kt = 0; kt < ceil_div(k, t.bk); ++kt) {
      const SharedTiles smem = hgemm_copy_k_tile(t, p, row0, col0, kt * t.bk);
      for (int warp = 0; warp < t.warps(); ++warp) {
        for (int ks = 0; ks < t.k_steps(); ++ks) {
          const WarpFragments f = hgemm_ldmatrix(t, smem, hgemm_warp_origin(t, warp), ks);
          for (int mi = 0; mi < f.mt; ++mi) {
            for (int ni = 0; ni < f.nt; ++ni)
              hgemm_mma(f, warp, mi, ni, acc);
          }
        }
      }
    }
    hgemm_store(t, acc, m, row0, col0, ResultMatrix{n, c, writes});
  });
  return c;
}

std::vector<double> model_sgemm(SgemmTile t, int m, int n, int k, const std::vector<double>& a,
                                const std::vector<double>& b, std::vector<int>& writes) {
  const Problem p{m, n, k, a, b};
  std::vector<double> c(index_of(m) * index_of(n), kNaN);
  writes.assign(c.size(), 0);
  for_each_block(m, n, t.bm, t.bn, [&](int row0, int col0) {
    std::vector<double> acc(index_of(t.threads() * 64), 0.0);
    for (int kt = 0; kt < ceil_div(k, t.bk); ++kt) {
      const SharedTiles smem = sgemm_copy_k_tile(t, p, row0, col0, kt * t.bk);
      for (int thread = 0; thread < t.threads(); ++thread) {
        for (int kk = 0; kk < t.bk; ++kk)
          sgemm_thread_k_step(t, smem, thread, kk, acc);
      }
    }
    sgemm_store(t, acc, m, row0, col0, ResultMatrix{n, c, writes});
  });
  return c;
}

}  // namespace gpubench::gemm::testing
