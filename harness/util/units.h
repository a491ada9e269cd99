// Durations ("30m", "1h30m", "90s", "45") and sizes ("4G", "512M") as written in manifests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace repro {

// Seconds in a duration: a sequence of <number><unit> with units d, h, m, s, ms, or a bare
// number of seconds. nullopt for anything else or a non-positive total.
std::optional<double> ParseDuration(std::string_view text);

// Bytes in a size: a number with an optional binary suffix K, M, G, T (optionally followed
// by "i" and/or "B"), or a bare number of bytes.
std::optional<int64_t> ParseBytes(std::string_view text);

// "1h02m03s", "4.2s", "350ms": for people reading a status line or a report.
std::string FormatDuration(double seconds);

// "512 MiB", "1.5 GiB", "100 B": a size as people read it.
std::string FormatBytes(int64_t bytes);

}  // namespace repro
