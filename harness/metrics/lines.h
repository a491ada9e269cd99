// Splits a byte stream into the lines a metric regex should see: ANSI colour codes
// removed, carriage-return progress bars reduced to their last segment, and lines longer
// than a cap cut so memory stays bounded whatever the program prints.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace repro {

class LineSplitter {
 public:
  static constexpr size_t kDefaultMaxLine = 1 << 20;
  using Callback = std::function<void(std::string_view)>;

  explicit LineSplitter(Callback on_line, size_t max_line = kDefaultMaxLine);

  void Feed(std::string_view bytes);
  // Delivers a last line that had no newline.
  void Finish();

  size_t overlong_lines() const { return overlong_lines_; }
  // Whether part of a line is waiting for its end.
  bool has_pending() const { return !pending_.empty() || discarding_; }

 private:
  void Emit();
  void Deliver(std::string_view line);
  Callback on_line_;
  size_t max_line_;
  std::string pending_;
  bool discarding_ = false;  // inside an overlong line, until its newline
  size_t overlong_lines_ = 0;
};

// "line" without ANSI escape sequences and without what a '\r' overwrote.
std::string CleanLine(std::string_view line);

}  // namespace repro
