#include "harness/compare/stats.h"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>

namespace repro {

double StudentTQuantile(double p, double dof) {
  boost::math::students_t distribution(dof);
  return boost::math::quantile(distribution, p);
}

double StudentTCdf(double t, double dof) {
  boost::math::students_t distribution(dof);
  return boost::math::cdf(distribution, t);
}

Estimate MeanOf(const SeedSummary& s) { return {s.mean, s.sem, static_cast<double>(std::max(1, s.n - 1))}; }

Estimate WelchDifference(const SeedSummary& a, const SeedSummary& b) {
  double va = a.std * a.std / a.n, vb = b.std * b.std / b.n;
  double dof = (va + vb) * (va + vb) / (va * va / (a.n - 1) + vb * vb / (b.n - 1));
  if (!std::isfinite(dof)) dof = a.n + b.n - 2;  // both variances zero: no noise, dof irrelevant
  return {a.mean - b.mean, std::sqrt(va + vb), dof};
}

Estimate RatioOfMeans(const SeedSummary& a, const SeedSummary& b) {
  double ratio = a.mean / b.mean;
  // First-order (delta method) variance of a ratio of independent means.
  double ra = a.n > 0 && a.mean != 0 ? ratio * ratio * a.std * a.std / (a.n * a.mean * a.mean) : 0;
  double rb = b.n > 0 ? ratio * ratio * b.std * b.std / (b.n * b.mean * b.mean) : 0;
  double dof = (ra + rb) * (ra + rb) / ((a.n > 1 ? ra * ra / (a.n - 1) : 0) + (b.n > 1 ? rb * rb / (b.n - 1) : 0));
  if (!std::isfinite(dof)) dof = std::max(1, a.n + b.n - 2);
  return {ratio, std::sqrt(ra + rb), dof};
}

double PGreater(const Estimate& e, double bound) {
  if (e.se == 0) return e.value > bound ? 0.0 : 1.0;
  return 1.0 - StudentTCdf((e.value - bound) / e.se, e.dof);
}

double PLess(const Estimate& e, double bound) {
  if (e.se == 0) return e.value < bound ? 0.0 : 1.0;
  return StudentTCdf((e.value - bound) / e.se, e.dof);
}

std::pair<double, double> Interval(const Estimate& e, double confidence) {
  double half = e.se == 0 ? 0 : StudentTQuantile(0.5 + confidence / 2, e.dof) * e.se;
  return {e.value - half, e.value + half};
}

std::optional<int> SeedsToResolve(double sd, double gap, int cap) {
  if (!(gap > 0) || !(sd > 0)) return std::nullopt;
  auto fits = [&](int n) { return StudentTQuantile(0.95, n - 1) * sd / std::sqrt(static_cast<double>(n)) < gap; };
  if (!fits(cap)) return std::nullopt;
  int low = 2, high = cap;  // the half-width shrinks as n grows: binary search
  while (low < high) {
    int middle = low + (high - low) / 2;
    if (fits(middle))
      high = middle;
    else
      low = middle + 1;
  }
  return low;
}

SeedSummary Summarize(const std::vector<double>& values, double confidence) {
  SeedSummary summary;
  summary.n = static_cast<int>(values.size());
  if (values.empty()) return summary;
  // Welford's update: stable for values with a large common offset (accuracies near 99.9).
  double mean = 0, m2 = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    double delta = values[i] - mean;
    mean += delta / static_cast<double>(i + 1);
    m2 += delta * (values[i] - mean);
  }
  summary.mean = mean;
  summary.min = *std::min_element(values.begin(), values.end());
  summary.max = *std::max_element(values.begin(), values.end());
  if (summary.n >= 2) {
    summary.std = std::sqrt(m2 / (summary.n - 1));
    summary.sem = summary.std / std::sqrt(static_cast<double>(summary.n));
    double t = StudentTQuantile(0.5 + confidence / 2, summary.n - 1);
    summary.ci_low = mean - t * summary.sem;
    summary.ci_high = mean + t * summary.sem;
  }
  return summary;
}

}  // namespace repro
