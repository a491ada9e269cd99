#define PCRE2_CODE_UNIT_WIDTH 8
#include "harness/metrics/regex.h"

#include <fmt/format.h>
#include <pcre2.h>

#include <algorithm>
#include <cctype>

namespace repro {

struct Regex::Impl {
  pcre2_code* code = nullptr;
  pcre2_match_data* match_data = nullptr;
  int value_group = -1;
  int step_group = -1;
  int std_group = -1;
  bool std_is_stderr = false;
  int count_group = -1;
  int name_group = -1;
  bool jit = false;
  bool line_local = true;
  ~Impl() {
    pcre2_match_data_free(match_data);
    pcre2_code_free(code);
  }
};

namespace {

// Conservative: a construct named here only costs speed (the pattern then runs line by line).
bool IsLineLocal(const std::string& pattern) {
  for (const char* construct : {"(?=", "(?!", "(?<=", "(?<!", "(*", "\\A", "\\z", "\\Z", "\\G"}) {
    if (pattern.find(construct) != std::string::npos) return false;
  }
  // An inline option group that touches 'm', like (?-m), changes what ^ and $ mean.
  for (size_t at = pattern.find("(?"); at != std::string::npos; at = pattern.find("(?", at + 2)) {
    size_t i = at + 2;
    while (i < pattern.size() &&
           (std::isalpha(static_cast<unsigned char>(pattern[i])) || pattern[i] == '-' || pattern[i] == '^')) {
      if (pattern[i] == 'm') return false;
      ++i;
    }
  }
  return true;
}

}  // namespace

Regex::Regex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;
Regex::~Regex() = default;

Result<Regex> Regex::Compile(const std::string& pattern) {
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  pcre2_code* code =
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_MULTILINE, &error_code, &error_offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error_code, message, sizeof(message));
    return Error{fmt::format("{} at offset {}", reinterpret_cast<const char*>(message), error_offset)};
  }
  // JIT is an optimisation: when it is unavailable the interpreter gives the same answers.
  bool jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
  auto impl = std::make_unique<Impl>();
  impl->jit = jit;
  impl->line_local = IsLineLocal(pattern);
  impl->code = code;
  impl->match_data = pcre2_match_data_create_from_pattern(code, nullptr);
  impl->value_group = pcre2_substring_number_from_name(code, reinterpret_cast<PCRE2_SPTR>("value"));
  impl->step_group = pcre2_substring_number_from_name(code, reinterpret_cast<PCRE2_SPTR>("step"));
  impl->std_group = pcre2_substring_number_from_name(code, reinterpret_cast<PCRE2_SPTR>("std"));
  if (impl->std_group <= 0) {
    impl->std_group = pcre2_substring_number_from_name(code, reinterpret_cast<PCRE2_SPTR>("stderr"));
    impl->std_is_stderr = impl->std_group > 0;
  }
  impl->count_group = pcre2_substring_number_from_name(code, reinterpret_cast<PCRE2_SPTR>("n"));
  impl->name_group = pcre2_substring_number_from_name(code, reinterpret_cast<PCRE2_SPTR>("name"));
  return Regex(std::move(impl));
}

bool Regex::HasGroup(const std::string& name) const {
  return pcre2_substring_number_from_name(impl_->code, reinterpret_cast<PCRE2_SPTR>(name.c_str())) > 0;
}

namespace {

std::optional<std::string_view> Group(std::string_view subject, pcre2_match_data* data, int group) {
  if (group <= 0) return std::nullopt;
  PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data);
  PCRE2_SIZE start = ovector[2 * group], end = ovector[2 * group + 1];
  if (start == PCRE2_UNSET) return std::nullopt;
  return subject.substr(start, end - start);
}

}  // namespace

bool Regex::line_local() const { return impl_->line_local; }

Regex::Found Regex::Search(std::string_view subject, Match& match) const {
  size_t begin = 0, end = 0;
  return SearchFrom(subject, 0, match, begin, end);
}

Regex::Found Regex::SearchFrom(std::string_view subject, size_t from, Match& match, size_t& begin, size_t& end) const {
  // Compiled with PCRE2_MATCH_INVALID_UTF: invalid UTF-8 in a log line never matches, but
  // the valid parts of the same line still can.
  // pcre2_jit_match skips the interpreter's argument checks: the fast path, when JIT compiled.
  auto match_function = impl_->jit ? pcre2_jit_match : pcre2_match;
  int rc = match_function(impl_->code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), from, 0,
                          impl_->match_data, nullptr);
  if (rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_PARTIAL) return Found::kNo;
  if (rc < 0) return Found::kLimit;  // the match, depth, heap or JIT stack limit; or bad UTF, which never gets here
  PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(impl_->match_data);
  begin = ovector[0];
  end = std::max(ovector[0], ovector[1]);  // \K can put the end before the start
  match.value = Group(subject, impl_->match_data, impl_->value_group);
  match.step = Group(subject, impl_->match_data, impl_->step_group);
  match.std = Group(subject, impl_->match_data, impl_->std_group);
  match.std_is_stderr = impl_->std_is_stderr;
  match.count = Group(subject, impl_->match_data, impl_->count_group);
  match.name = Group(subject, impl_->match_data, impl_->name_group);
  return Found::kYes;
}

}  // namespace repro
