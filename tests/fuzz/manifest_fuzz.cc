// The manifest parser on arbitrary text: every input ends in a manifest or in diagnostics,
// never in a crash, a hang or unbounded memory. Relative paths resolve against the toy
// fixture (read only), so that files beside the manifest can be found.
#include <cstddef>
#include <cstdint>
#include <string>

#include "harness/manifest/parser.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  repro::ManifestLoad load = repro::ParseManifest(std::move(text), "fuzz.yaml", REPRO_SOURCE_DIR "/tests/fixtures/toy");
  for (const repro::Diagnostic& error : load.errors) {
    repro::fuzz::Check(!error.message.empty(), "a diagnostic without a message");
  }
  return 0;
}
