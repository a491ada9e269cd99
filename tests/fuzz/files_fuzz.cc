// The metric file readers on arbitrary bytes. The first byte chooses the format (bits 0-1:
// JSON and lm-eval results, JSON Lines, CSV, TSV) and which field/column/pointer to read
// (bits 2-4); the rest is the file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "harness/metrics/files.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

struct Selector {
  const char* field;
  const char* step;
};
// JSON pointers, plain keys and column names, with and without a step.
constexpr Selector kSelectors[] = {
    {"/test/acc", ""}, {"acc", "step"}, {"/eval/acc", "/eval/step"}, {"", ""}, {"/", "epoch"}, {"val acc", "epoch"},
    {"/a~1b/0", ""},   {"loss", "/~0"},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace repro;
  fuzz::Split in = fuzz::SplitFirstByte(data, size);
  const Selector& selector = kSelectors[(in.selector >> 2) & 7];
  EmitObservation emit = [](Observation o) { fuzz::CheckObservation(o); };
  switch (in.selector & 3) {
    case 0: {
      Status read = ReadJson(in.rest, selector.field, emit);
      if (!read) fuzz::Check(!read.error().empty(), "ReadJson: an error without a message");
      Status results = ReadLmEvalResults(in.rest, (in.selector & 4) ? "arc_challenge/acc_norm,none" : "a/acc", emit);
      if (!results) fuzz::Check(!results.error().empty(), "ReadLmEvalResults: an error without a message");
      break;
    }
    case 1: {
      for (size_t start = 0; start < in.rest.size();) {
        size_t end = in.rest.find('\n', start);
        if (end == std::string_view::npos) end = in.rest.size();
        (void)ReadJsonLine(in.rest.substr(start, end - start), selector.field, selector.step, emit);
        start = end + 1;
      }
      break;
    }
    default: {
      Status read = ReadCsv(in.rest, (in.selector & 3) == 2 ? ',' : '\t', selector.field, selector.step, emit);
      if (!read) fuzz::Check(!read.error().empty(), "ReadCsv: an error without a message");
      break;
    }
  }
  (void)NestedTooDeep(in.rest);
  return 0;
}
