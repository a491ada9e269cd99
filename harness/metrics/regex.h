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
    std::optional<std::string_view> std;   // group "std" or "stderr": a printed "± x"
    std::optional<std::string_view> name;  // group "name": names the metric
  };
  bool Search(std::string_view subject, Match& match) const;

 private:
  struct Impl;
  explicit Regex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace repro
