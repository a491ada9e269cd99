#include "harness/compare/stats.h"

#include <algorithm>
#include <cmath>

#include <boost/math/distributions/students_t.hpp>

namespace repro {

double StudentTQuantile(double p, double dof) {
  boost::math::students_t distribution(dof);
  return boost::math::quantile(distribution, p);
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
