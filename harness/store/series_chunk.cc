#include "harness/store/series_chunk.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <limits>

namespace repro::series_chunk {
namespace {

// The flag codes of the format: fixed here, not taken from the enum's order, so reordering
// ValueFlag never changes what a stored byte means.
constexpr std::array<ValueFlag, 4> kFlagCodes = {ValueFlag::kOk, ValueFlag::kNonFinite, ValueFlag::kUnparseable,
                                                 ValueFlag::kMissing};

constexpr uint8_t kHasStep = 1, kHasValue = 2, kHasStd = 4;
constexpr uint8_t kKnownFields = kHasStep | kHasValue | kHasStd;

uint8_t FlagCode(ValueFlag flag) {
  for (size_t code = 0; code < kFlagCodes.size(); ++code)
    if (kFlagCodes[code] == flag) return static_cast<uint8_t>(code);
  return 0;  // unreachable: every ValueFlag has a code
}

void PutUint64(uint64_t bits, char* at) {
  for (int byte = 0; byte < 8; ++byte) at[byte] = static_cast<char>((bits >> (8 * byte)) & 0xff);
}

uint64_t ReadUint64(const char* at) {
  uint64_t bits = 0;
  for (int byte = 0; byte < 8; ++byte) bits |= uint64_t{static_cast<unsigned char>(at[byte])} << (8 * byte);
  return bits;
}

// The point at "index" of a checked chunk.
Status DecodePoint(const StoredChunk& chunk, int64_t index, const std::string& metric, std::vector<SeriesPoint>& out) {
  const char* at = chunk.data.data() + index * static_cast<int64_t>(kPointBytes);
  auto flag_code = static_cast<unsigned char>(at[0]);
  auto fields = static_cast<uint8_t>(at[1]);
  if (flag_code >= kFlagCodes.size())
    return Error{fmt::format("point {} has the unknown flag byte {}", chunk.first_seq + index, flag_code)};
  if ((fields & ~kKnownFields) != 0)
    return Error{fmt::format("point {} has the unknown field bits {:#04x}", chunk.first_seq + index, fields)};
  SeriesPoint& point = out.emplace_back();
  point.metric = metric;
  point.seq = chunk.first_seq + index;
  point.flag = kFlagCodes[flag_code];
  if (fields & kHasStep) point.step = static_cast<int64_t>(ReadUint64(at + 2));
  if (fields & kHasValue) point.value = std::bit_cast<double>(ReadUint64(at + 10));
  if (fields & kHasStd) point.std = std::bit_cast<double>(ReadUint64(at + 18));
  return Status::Ok();
}

}  // namespace

void AppendPoint(const SeriesPoint& point, std::string& data) {
  // Filled in place and appended once: byte by byte, encoding was half the cost of storing.
  std::array<char, kPointBytes> bytes;
  bytes[0] = static_cast<char>(FlagCode(point.flag));
  bytes[1] = static_cast<char>((point.step ? kHasStep : 0) | (point.value ? kHasValue : 0) | (point.std ? kHasStd : 0));
  PutUint64(static_cast<uint64_t>(point.step.value_or(0)), &bytes[2]);
  PutUint64(std::bit_cast<uint64_t>(point.value.value_or(0.0)), &bytes[10]);
  PutUint64(std::bit_cast<uint64_t>(point.std.value_or(0.0)), &bytes[18]);
  data.append(bytes.data(), bytes.size());
}

Result<std::vector<EncodedChunk>> EncodeBatch(std::span<const SeriesPoint> points) {
  std::vector<EncodedChunk> done;
  std::vector<EncodedChunk> open;  // one per metric; a batch names few metrics, so a scan is enough
  size_t last_used = 0;
  for (const SeriesPoint& point : points) {
    if (point.seq < 0)
      return Error{fmt::format("point {} of metric {} has a negative position", point.seq, point.metric)};
    if (last_used >= open.size() || open[last_used].metric != point.metric) {
      auto same_metric = [&](const EncodedChunk& c) { return c.metric == point.metric; };
      last_used = static_cast<size_t>(std::find_if(open.begin(), open.end(), same_metric) - open.begin());
      if (last_used == open.size()) open.push_back({point.metric, point.seq, 0, {}});
    }
    EncodedChunk& chunk = open[last_used];
    bool continues = chunk.points > 0 && point.seq - chunk.first_seq == chunk.points && chunk.points < kMaxPoints;
    if (chunk.points > 0 && !continues) {
      done.push_back(std::move(chunk));
      chunk = {point.metric, point.seq, 0, {}};
    }
    AppendPoint(point, chunk.data);
    ++chunk.points;
  }
  for (EncodedChunk& chunk : open) done.push_back(std::move(chunk));
  return done;
}

Status CheckChunk(const StoredChunk& chunk) {
  if (chunk.points < 1) return Error{fmt::format("it claims {} points", chunk.points)};
  if (chunk.first_seq < 0) return Error{fmt::format("it starts at position {}", chunk.first_seq)};
  if (chunk.first_seq > std::numeric_limits<int64_t>::max() - chunk.points)
    return Error{fmt::format("its {} points from position {} overflow", chunk.points, chunk.first_seq)};
  if (chunk.data.size() % kPointBytes != 0 || chunk.data.size() / kPointBytes != static_cast<uint64_t>(chunk.points))
    return Error{
        fmt::format("it claims {} points in {} bytes ({} each)", chunk.points, chunk.data.size(), kPointBytes)};
  return Status::Ok();
}

Status DecodeChunk(const StoredChunk& chunk, const std::string& metric, Selection selection,
                   std::vector<SeriesPoint>& out) {
  if (Status checked = CheckChunk(chunk); !checked) return checked;
  int64_t stride = std::max<int64_t>(1, selection.stride);
  // The first index whose position is a multiple of the stride, then every stride-th.
  int64_t index = (stride - chunk.first_seq % stride) % stride;
  for (; index < chunk.points; index += stride)
    if (Status s = DecodePoint(chunk, index, metric, out); !s) return s;
  bool last_taken = (chunk.first_seq + chunk.points - 1) % stride == 0;
  if (selection.keep_last && !last_taken) return DecodePoint(chunk, chunk.points - 1, metric, out);
  return Status::Ok();
}

}  // namespace repro::series_chunk
