// Helpers shared by the libFuzzer targets of tests/fuzz: a check that aborts (so libFuzzer
// keeps the input) and the invariants every reader's observations must keep.
#pragma once

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "harness/metrics/reducer.h"

namespace repro::fuzz {

inline void Check(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}

// A value flagged kOk is a finite number; the others keep the text they were read from.
inline void CheckObservation(const Observation& o) {
  if (o.flag == ValueFlag::kOk) Check(std::isfinite(o.value), "an observation flagged kOk holds a non-finite value");
}

// The input split at its first byte: a selector for the target, then the rest.
struct Split {
  unsigned selector = 0;
  std::string_view rest;
};
inline Split SplitFirstByte(const unsigned char* data, size_t size) {
  if (size == 0) return {};
  return {data[0], std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1)};
}

}  // namespace repro::fuzz
