// TensorBoard event files: TFRecord framing (length, masked CRC-32C of the length, data,
// masked CRC-32C of the data) around Event protocol buffers. Scalars are read from both
// encodings: Summary.Value.simple_value (TF1, tensorboardX) and a scalar Summary.Value.tensor
// (TF2, PyTorch's SummaryWriter with new_style). Written without a protobuf dependency:
// only the few fields needed are decoded.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "harness/metrics/files.h"

namespace repro {

uint32_t Crc32c(std::string_view bytes);
uint32_t MaskedCrc32c(std::string_view bytes);  // TFRecord's mask: rotate 15, add 0xa282ead8

struct EventFileResult {
  int64_t records = 0;
  std::string warning;  // a damaged record stops the file; this says where and why
};

// Emits every scalar tagged "tag" in "bytes" (one event file), with its step.
EventFileResult ReadEventFile(std::string_view bytes, const std::string& tag, const EmitObservation& emit);

}  // namespace repro
