#include "support/hopper_pipeline_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <random>
#include <vector>

namespace gpubench::testing {
namespace {

namespace hopper = gemm::hopper;

struct Barrier {
  int expected = 0;
  int pending = 0;
  long long tx = 0;
  int phase = 0;  // completed phases
  void init(int count) { expected = pending = count; }
  void complete_if_done() {
    if (pending == 0 && tx == 0) {
      ++phase;
      pending = expected;
    }
  }
  void arrive() {
    --pending;
    complete_if_done();
  }
  void arrive_expect_tx(long long bytes) {
    tx += bytes;
    arrive();
  }
  void complete_tx(long long bytes) {
    tx -= bytes;
    complete_if_done();
  }
  bool passed(int parity) const { return (phase & 1) != parity; }
  bool balanced() const { return pending == expected && tx == 0; }
};

// Which load filled a region: work unit, k tile, and the tile row (A) or column (B) it was for, so
// that a block sharing another tile column's B, or a later unit's data, is a stale read.
struct Tag {
  int unit = -1;
  int kt = -1;
  int coord = -1;
  bool operator==(const Tag&) const = default;
};
constexpr int kARegion = -1;  // regions: kARegion, or B panel 0..kPanels-1
constexpr int kWarpsPerConsumer = wgmma::kWarpgroupThreads / 32;

struct Transfer {
  int block;
  int stage;
  int region;
  Tag tag;
  std::uint32_t bytes;
};

struct Read {
  int stage;
  Tag a;  // what the block's A region must hold
  Tag b;  // what every B panel must hold
  bool computes;
};

struct Actor {
  int block;
  bool producer;
  int unit;
  int kt = 0;
  int it = 0;
  bool done;
  std::optional<Read> reading;  // consumers: the wgmma group still in flight
};

class Model {
 public:
  Model(const HopperProtocol& protocol, const HopperGrid& grid)
      : p_(protocol),
        g_(grid),
        blocks_(grid.clusters * protocol.cluster_m),
        full_(static_cast<std::size_t>(blocks_ * hopper::kStages)),
        empty_(full_.size()),
        tags_(full_.size() * (hopper::kPanels + 1)) {
    for (auto& b : full_)
      b.init(1);
    for (auto& b : empty_)
      b.init(p_.empty_arrivals);
    const int units = hopper::cluster_tiles(g_.tiles_m, g_.tiles_n, p_.cluster_m);
    for (int block = 0; block < blocks_; ++block) {
      const int first = block / p_.cluster_m;
      for (int role = 0; role <= hopper::kConsumers; ++role) {
        actors_.push_back({block, role == 0, first, 0, 0, first >= units, std::nullopt});
      }
    }
  }

  HopperPipelineOutcome run(unsigned seed) {
    std::mt19937 random(seed);
    while (true) {
      if (!in_flight_.empty() && (random() % 2 == 0 || !step_any_actor(random))) {
        const std::size_t pick = random() % in_flight_.size();
        deliver(in_flight_[pick]);
        in_flight_.erase(in_flight_.begin() + static_cast<std::ptrdiff_t>(pick));
        continue;
      }
      if (in_flight_.empty() && !step_any_actor(random)) break;
    }
    const bool finished =
        std::all_of(actors_.begin(), actors_.end(), [](const Actor& a) { return a.done; });
    if (!finished) problem("deadlock: no block can go on and no load is in flight");
    outcome_.deadlock = !finished;
    for (const auto* barriers : {&full_, &empty_}) {
      for (const Barrier& b : *barriers)
        outcome_.unbalanced_barriers += b.balanced() ? 0 : 1;
    }
    return outcome_;
  }

 private:
  std::size_t index(int block, int stage) const {
    return static_cast<std::size_t>(block * hopper::kStages + stage);
  }
  Tag& tag(int block, int stage, int region) {
    return tags_[index(block, stage) * (hopper::kPanels + 1) +
                 static_cast<std::size_t>(region + 1)];
  }
  int rank(int block) const { return block % p_.cluster_m; }
  int units() const { return hopper::cluster_tiles(g_.tiles_m, g_.tiles_n, p_.cluster_m); }
  gemm::MatrixCoord tile(const Actor& a) const {
    return p_.tile(a.unit, rank(a.block), g_.tiles_m, g_.tiles_n);
  }
  void problem(const std::string& what) {
    if (outcome_.first_problem.empty()) outcome_.first_problem = what;
  }

  // Tries actors in a random order until one makes a step; false when none can.
  bool step_any_actor(std::mt19937& random) {
    std::vector<std::size_t> order(actors_.size());
    for (std::size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    std::shuffle(order.begin(), order.end(), random);
    return std::any_of(order.begin(), order.end(), [&](std::size_t i) {
      Actor& a = actors_[i];
      return !a.done && (a.producer ? produce(a) : consume(a));
    });
  }

  void advance_producer(Actor& a) {
    ++a.it;
    if (++a.kt < g_.k_tiles) return;
    a.kt = 0;
    a.unit += g_.clusters;
    a.done = a.unit >= units();
  }

  bool produce(Actor& a) {
    const int s = hopper::stage_of(a.it);
    if (hopper::waits_for_empty(a.it) &&
        !empty_[index(a.block, s)].passed(static_cast<int>(hopper::empty_parity(a.it)))) {
      return false;
    }
    const gemm::MatrixCoord at = tile(a);
    const bool loads_a = at.row < g_.tiles_m;
    full_[index(a.block, s)].arrive_expect_tx(p_.expected(loads_a));
    if (loads_a) {
      in_flight_.push_back({a.block, s, kARegion, {a.unit, a.kt, at.row}, hopper::kAStageBytes});
    }
    const int first_block = a.block - rank(a.block);
    for (int panel = 0; panel < hopper::kPanels; ++panel) {
      if (p_.panel_loader(panel) != rank(a.block)) continue;
      for (int r = 0; r < p_.cluster_m; ++r) {  // the multicast: one landing per block
        in_flight_.push_back(
            {first_block + r, s, panel, {a.unit, a.kt, at.col}, hopper::kPanelBytes});
      }
    }
    advance_producer(a);
    return true;
  }

  void deliver(const Transfer& t) {
    tag(t.block, t.stage, t.region) = t.tag;
    full_[index(t.block, t.stage)].complete_tx(t.bytes);
  }

  // What wgmma reads of the stage: this block's A and every B panel, all of the expected k tile.
  void check(int block, const Read& read, const char* when) {
    if (!read.computes) return;
    for (int region = kARegion; region < hopper::kPanels; ++region) {
      const Tag found = tag(block, read.stage, region);
      const Tag wanted = region == kARegion ? read.a : read.b;
      if (found == wanted) continue;
      ++outcome_.stale_reads;
      problem(
          fmt::format("block {} {} stage {} region {}: holds unit {} k tile {} of row/column "
                      "{}, wanted unit {} k tile {} of {}",
                      block, when, read.stage, region, found.unit, found.kt, found.coord,
                      wanted.unit, wanted.kt, wanted.coord));
    }
  }

  void release(int block, int stage) {
    const int first_block = block - rank(block);
    const int targets = p_.release_in_every_block ? p_.cluster_m : 1;
    for (int r = 0; r < targets; ++r) {
      const int target = p_.release_in_every_block ? first_block + r : block;
      for (int warp = 0; warp < kWarpsPerConsumer; ++warp)
        empty_[index(target, stage)].arrive();
    }
  }

  // wait_group: the group in flight has finished reading its stage, which goes back.
  void finish(Actor& a, const char* when) {
    check(a.block, *a.reading, when);
    release(a.block, a.reading->stage);
    a.reading.reset();
  }

  // One consumer warpgroup, as the kernel's loop: per step one k tile (wait for its stage, start
  // its wgmma, finish the previous k tile's and release that stage), and at the end of a tile the
  // last wait_group<0> and release (the store needs no model).
  bool consume(Actor& a) {
    if (a.kt == g_.k_tiles) {
      finish(a, "after the tile's last wgmma");
      a.kt = 0;
      a.unit += g_.clusters;
      a.done = a.unit >= units();
      return true;
    }
    const int s = hopper::stage_of(a.it);
    if (!full_[index(a.block, s)].passed(static_cast<int>(hopper::full_parity(a.it)))) return false;
    const gemm::MatrixCoord at = tile(a);
    const Read now{s,
                   {a.unit, a.kt, at.row},
                   {a.unit, a.kt, at.col},
                   p_.cluster_m == 1 || at.row < g_.tiles_m};
    check(a.block, now, "when its wgmma start");
    if (a.reading) finish(a, "when its wgmma finish");
    a.reading = now;
    ++a.kt;
    ++a.it;
    return true;
  }

  HopperProtocol p_;
  HopperGrid g_;
  int blocks_;
  std::vector<Barrier> full_;
  std::vector<Barrier> empty_;
  std::vector<Tag> tags_;
  std::vector<Actor> actors_;
  std::vector<Transfer> in_flight_;
  HopperPipelineOutcome outcome_;
};

}  // namespace

HopperProtocol hopper_protocol(int cluster_m) {
  HopperProtocol protocol;
  protocol.cluster_m = cluster_m;
  protocol.empty_arrivals = hopper::empty_arrivals(cluster_m);
  protocol.expected = [](bool loads_a) { return hopper::stage_transaction_bytes(loads_a); };
  protocol.panel_loader = [cluster_m](int panel) { return hopper::panel_loader(panel, cluster_m); };
  protocol.tile = [cluster_m](int unit, int rank, int tiles_m, int tiles_n) {
    return hopper::cluster_block_tile(unit, rank, tiles_m, tiles_n, cluster_m);
  };
  return protocol;
}

HopperPipelineOutcome run_hopper_pipeline(const HopperProtocol& protocol, const HopperGrid& grid,
                                          unsigned seed) {
  return Model(protocol, grid).run(seed);
}

}  // namespace gpubench::testing
