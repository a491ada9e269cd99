// Descriptive statistics over seeds and Student-t intervals. Boost.Math lives here only.
#pragma once

#include <optional>
#include <utility>
#include <vector>

namespace repro {

struct SeedSummary {
  int n = 0;
  double mean = 0;
  double std = 0;  // sample standard deviation (n - 1); 0 when n < 2
  double sem = 0;  // standard error of the mean; 0 when n < 2
  double min = 0, max = 0;
  std::optional<double> ci_low, ci_high;  // two-sided Student-t interval; set when n >= 2
};

// Summary of "values" (non-empty) with a "confidence" interval for the mean.
SeedSummary Summarize(const std::vector<double>& values, double confidence = 0.95);

// The p-quantile of Student's t distribution with "dof" degrees of freedom.
double StudentTQuantile(double p, double dof);
double StudentTCdf(double t, double dof);

// An estimated quantity (a mean, a difference of means, a ratio) with its standard error
// and the degrees of freedom of its t distribution. se == 0 means no sampling noise.
struct Estimate {
  double value = 0;
  double se = 0;
  double dof = 1;
};

Estimate MeanOf(const SeedSummary& s);                                 // one sample; n >= 2
Estimate WelchDifference(const SeedSummary& a, const SeedSummary& b);  // a - b; both n >= 2
Estimate RatioOfMeans(const SeedSummary& a, const SeedSummary& b);     // a / b by the delta method

// One-sided p-values for H1: true value > bound, and H1: true value < bound. With se == 0
// the answer is certain: 0 when the estimate is strictly on the H1 side, else 1.
double PGreater(const Estimate& e, double bound);
double PLess(const Estimate& e, double bound);

// The two-sided "confidence" interval of the estimate. The 90% interval is the one whose
// position against bounds is equivalent to one-sided tests at alpha = 0.05 (TOST).
std::pair<double, double> Interval(const Estimate& e, double confidence);

// The smallest n for which a 90% interval of half-width t(0.95, n-1) * sd / sqrt(n) fits in
// "gap", i.e. how many seeds would decide a question now undecided; nullopt beyond "cap"
// or when gap <= 0.
std::optional<int> SeedsToResolve(double sd, double gap, int cap = 10000);

}  // namespace repro
