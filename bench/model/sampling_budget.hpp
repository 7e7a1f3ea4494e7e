#pragma once
// A run's sampling time as one budget (issue 27). Every repetition is entitled to its profile's
// share (StoppingRule::budget_s). One whose median is known before its share is spent leaves part
// of the rest (lend_fraction) in a pool; one whose median is not yet known when its share is spent
// may go on, on what the pool holds, up to max_share_multiple x its share (SampleSeries decides
// whether the lent time would buy the target). The pool lends only what earlier repetitions left,
// so a run samples no longer than its shares added up, plus, as before, the last sample of each
// repetition that ran past its allowance (charged to the pool).
//
// Why only half of what is left: before the pool, a run's sampling was bounded by its shares too,
// but most rows converged early and the quick run (19.6 s on the H200 fixture runs) counted on
// it. Lending all of it would let a run with many noisy rows approach the whole bound; lending
// half keeps the other half as a shorter run, so the rows that converge at once make the run
// shorter and the rows that never do get more, and a run is never longer than its shares allow.
//
// Pure bookkeeping, owned by the one timing loop (harness/timing.cpp), which asks for an
// allowance before a repetition and settles after it.

#include <cstddef>

namespace gpubench {

class SamplingBudget {
 public:
  // A repetition may sample for at most this many times its share (4: a row of the quick profile,
  // 0.05 s a repetition, may take 0.2 s).
  static constexpr double kDefaultMaxShareMultiple = 4.0;
  // Of what a repetition leaves of its share, the part the pool may lend (see above).
  static constexpr double kDefaultLendFraction = 0.5;

  explicit SamplingBudget(double max_share_multiple = kDefaultMaxShareMultiple,
                          double lend_fraction = kDefaultLendFraction);

  // The most a repetition whose share is share_s may sample for: the share, plus what the pool
  // holds up to (max_share_multiple - 1) x share_s. Never below the share.
  double allowance_s(double share_s) const;

  // After a repetition with share share_s sampled for spent_s: the pool gains lend_fraction x
  // (share_s - spent_s) when it spent less, and loses spent_s - share_s when it spent more (what
  // it was lent, and the overrun of a last sample).
  void settle(double share_s, double spent_s);

  double pool_s() const { return pool_s_; }      // may be negative after overruns
  double shares_s() const { return shares_s_; }  // of every settled repetition
  double spent_s() const { return spent_s_; }    // by every settled repetition
  double lent_s() const { return lent_s_; }      // spent beyond the shares, in all
  std::size_t repetitions() const { return repetitions_; }

 private:
  double max_share_multiple_;
  double lend_fraction_;
  double pool_s_ = 0;
  double shares_s_ = 0;
  double spent_s_ = 0;
  double lent_s_ = 0;
  std::size_t repetitions_ = 0;
};

}  // namespace gpubench
