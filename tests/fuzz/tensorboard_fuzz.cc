// TensorBoard event files on arbitrary bytes: TFRecord framing with CRC-32C and a hand
// written protobuf reader. The first byte chooses the tag read; the rest is the file.
#include <cstddef>
#include <cstdint>
#include <string>

#include "harness/metrics/tensorboard.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace repro;
  static const std::string kTags[] = {"val/acc", "loss", "", "acc"};
  fuzz::Split in = fuzz::SplitFirstByte(data, size);
  int64_t emitted = 0;
  EventFileResult result = ReadEventFile(in.rest, kTags[in.selector & 3], [&](Observation o) {
    fuzz::CheckObservation(o);
    fuzz::Check(o.step.has_value(), "a TensorBoard scalar without a step");
    ++emitted;
  });
  fuzz::Check(result.records >= 0 && static_cast<uint64_t>(result.records) * 16 <= in.rest.size(),
              "more records than the file can hold");
  return 0;
}
