#include "model/sampling_budget.hpp"

#include <algorithm>

namespace gpubench {

SamplingBudget::SamplingBudget(double max_share_multiple)
    : max_share_multiple_(std::max(1.0, max_share_multiple)) {}

double SamplingBudget::allowance_s(double share_s) const {
  const double share = std::max(0.0, share_s);
  const double lendable = std::clamp(pool_s_, 0.0, (max_share_multiple_ - 1.0) * share);
  return share + lendable;
}

void SamplingBudget::settle(double share_s, double spent_s) {
  const double share = std::max(0.0, share_s);
  const double spent = std::max(0.0, spent_s);
  pool_s_ += share - spent;
  shares_s_ += share;
  spent_s_ += spent;
  lent_s_ += std::max(0.0, spent - share);
  ++repetitions_;
}

}  // namespace gpubench
