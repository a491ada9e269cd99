// A cheap pass over a manifest's text before yaml-cpp reads it. yaml-cpp recurses once per
// nesting level and buffers every token of a collection it cannot yet close, so 9 MB of
// '[' cost it seconds and gigabytes; and it accepts a quoted string the file ends inside.
// Both are refused here, at their line and column, in time linear in the text.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace repro {

// Far above any real manifest (they nest about 6 levels), far below what costs yaml-cpp.
inline constexpr int kMaxYamlNesting = 64;

struct TextProblem {
  int line = 0;    // 1-based
  int column = 0;  // 1-based, in bytes
  std::string message;
};

// The first problem of "text": nesting deeper than kMaxYamlNesting (flow '[' '{' and block
// indentation levels together, an estimate that never undercounts flow collections), or a
// quoted string that is never closed. nullopt when yaml-cpp may read it.
std::optional<TextProblem> PrecheckYaml(std::string_view text);

}  // namespace repro
