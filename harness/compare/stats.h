// Descriptive statistics over seeds and Student-t intervals. Boost.Math lives here only.
#pragma once

#include <optional>
#include <vector>

namespace repro {

struct SeedSummary {
  int n = 0;
  double mean = 0;
  double std = 0;   // sample standard deviation (n - 1); 0 when n < 2
  double sem = 0;   // standard error of the mean; 0 when n < 2
  double min = 0, max = 0;
  std::optional<double> ci_low, ci_high;  // two-sided Student-t interval; set when n >= 2
};

// Summary of "values" (non-empty) with a "confidence" interval for the mean.
SeedSummary Summarize(const std::vector<double>& values, double confidence = 0.95);

// The p-quantile of Student's t distribution with "dof" degrees of freedom.
double StudentTQuantile(double p, double dof);

}  // namespace repro
