// The encoding of a metric's series in the store (schema 6): many points per row, because
// one SQLite row per point made storing a long series cost more than running it (issue #20).
// Pure functions over bytes, so the format is tested without a database.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "harness/store/store.h"
#include "harness/util/result.h"

namespace repro::series_chunk {

// One chunk holds points at consecutive positions first_seq, first_seq + 1, ... of one metric;
// the position is implicit. Each point is kPointBytes bytes, little-endian, fixed, so a thinned
// read finds point i at i * kPointBytes without decoding the ones before it:
//   byte 0      the flag: 0 ok, 1 non-finite, 2 unparseable, 3 missing (kFlagCodes)
//   byte 1      which fields are present: bit 0 step, bit 1 value, bit 2 std; other bits 0
//   bytes 2-9   step, two's complement int64 (0 when absent)
//   bytes 10-17 value, the IEEE-754 bits of the double, kept exactly (0 when absent)
//   bytes 18-25 std, likewise
inline constexpr size_t kPointBytes = 26;

// At most this many points in one chunk. A batch (SeriesBuffer::kBatch, 10,000 points) of one
// metric becomes a few chunks: a few thousand points already make SQLite's per-row cost a
// fraction of a percent of the bytes written, while a thinned read (a report's curve of a
// few hundred points) can skip whole chunks it needs no point of, and each blob (100 KB)
// stays small enough to read in one go.
inline constexpr int64_t kMaxPoints = 4096;

// Appends "point" to "data" in the layout above.
void AppendPoint(const SeriesPoint& point, std::string& data);

// A chunk to store: points of "metric" (a view into the points it was made from) at
// consecutive positions from "first_seq".
struct EncodedChunk {
  std::string_view metric;
  int64_t first_seq = 0;
  int64_t points = 0;
  std::string data;
};

// Packs a batch of points, in any mix of metrics, into chunks: one per metric and run of
// consecutive positions, of at most kMaxPoints each. A negative position is an error (the
// format reads one back as damage).
Result<std::vector<EncodedChunk>> EncodeBatch(std::span<const SeriesPoint> points);

// A chunk as stored, before its points are trusted: a database can come from a stranger.
struct StoredChunk {
  int64_t first_seq = 0;
  int64_t points = 0;
  std::string_view data;
};

// Which points of a series a read wants: every "stride"-th position, and the last point of
// the chunk when "keep_last" (the series' last).
struct Selection {
  int64_t stride = 1;
  bool keep_last = false;
};

// An error (what is wrong, without saying where) when the chunk's count, first position
// and byte length do not agree.
Status CheckChunk(const StoredChunk& chunk);

// Appends the selected points of a checked chunk to "out", named "metric". An unknown
// flag or presence bit is an error that names the point.
Status DecodeChunk(const StoredChunk& chunk, const std::string& metric, Selection selection,
                   std::vector<SeriesPoint>& out);

}  // namespace repro::series_chunk
