// A compiled PCRE2 pattern (JIT where available) for metric lines. PCRE2 lives only here.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "harness/util/result.h"

namespace repro {

class Regex {
 public:
  // Compiles "pattern"; the error names PCRE2's reason and the offset in the pattern.
  static Result<Regex> Compile(const std::string& pattern);

  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;
  ~Regex();

  bool HasGroup(const std::string& name) const;

  // The first match in "subject": the text of each named group (nullopt when a group
  // did not take part). Returns false when there is no match.
  struct Match {
    std::optional<std::string_view> value;
    std::optional<std::string_view> step;
    std::optional<std::string_view> std;    // group "std" or "stderr": a printed "± x"
    bool std_is_stderr = false;             // the "± x" came from group "stderr": a standard error
    std::optional<std::string_view> count;  // group "n": how many values the printed value and "± x" summarise
    std::optional<std::string_view> name;   // group "name": names the metric
  };
  // kLimit: PCRE2 gave up at one of its limits (match, depth, heap, JIT stack) before it
  // could tell; a catastrophic pattern on a hostile line ends so, never in a hang.
  enum class Found { kNo, kYes, kLimit };
  Found Search(std::string_view subject, Match& match) const;

  // The first match that starts at or after "from" in a subject of many lines; "begin" and
  // "end" are where the whole match lies. Anchors ^ and $ work per line (multiline mode).
  Found SearchFrom(std::string_view subject, size_t from, Match& match, size_t& begin, size_t& end) const;

  // Whether a match in one line never depends on the text around that line, so that the
  // pattern may be run over many lines at once and each match found is the line's own. False
  // for lookaround and subject anchors (\A \z \Z \G), which see past a line's ends.
  bool line_local() const;

 private:
  struct Impl;
  explicit Regex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace repro
