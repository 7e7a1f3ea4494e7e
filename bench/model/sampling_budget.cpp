#include "model/sampling_budget.hpp"

#include <algorithm>

namespace gpubench {

SamplingBudget::SamplingBudget(double max_share_multiple, double lend_fraction)
    : max_share_multiple_(std::max(1.0, max_share_multiple)),
      lend_fraction_(std::clamp(lend_fraction, 0.0, 1.0)) {}

double SamplingBudget::allowance_s(double share_s) const {
  const double share = std::max(0.0, share_s);
  const double lendable = std::clamp(pool_s_, 0.0, (max_share_multiple_ - 1.0) * share);
  return share + lendable;
}

void SamplingBudget::settle(double share_s, double spent_s) {
  const double share = std::max(0.0, share_s);
  const double spent = std::max(0.0, spent_s);
  pool_s_ += spent <= share ? lend_fraction_ * (share - spent) : share - spent;
  shares_s_ += share;
  spent_s_ += spent;
  lent_s_ += std::max(0.0, spent - share);
  ++repetitions_;
}

}  // namespace gpubench
