// Comparison expressions ("cnn.acc > mlp.acc + 10"): a Comparison or an error, and a
// Comparison names both sides.
#include <cstddef>
#include <cstdint>
#include <string>

#include "harness/manifest/expect.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  repro::Result<repro::Comparison> parsed = repro::ParseComparison(text);
  if (parsed) {
    repro::fuzz::Check(!parsed->left.experiment.empty() && !parsed->left.metric.empty(), "left side without a name");
    repro::fuzz::Check(!parsed->right.experiment.empty() && !parsed->right.metric.empty(), "right side without a name");
    (void)repro::ComparisonOpText(parsed->op);
  } else {
    repro::fuzz::Check(!parsed.error().empty(), "an error without a message");
  }
  return 0;
}
