// Wall-clock timestamps for records and a monotonic clock for measuring durations.
#pragma once

#include <string>

namespace repro {

// Current UTC time as "2026-11-24T14:23:32Z".
std::string NowUtcIso8601();

// Seconds on a monotonic clock; only differences are meaningful.
double MonotonicSeconds();

}  // namespace repro
