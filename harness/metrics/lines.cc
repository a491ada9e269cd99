#include "harness/metrics/lines.h"

#include <cstring>

namespace repro {

LineSplitter::LineSplitter(Callback on_line, size_t max_line) : on_line_(std::move(on_line)), max_line_(max_line) {}

void LineSplitter::Feed(std::string_view bytes) {
  while (!bytes.empty()) {
    const char* newline = static_cast<const char*>(std::memchr(bytes.data(), '\n', bytes.size()));
    size_t length = newline == nullptr ? bytes.size() : static_cast<size_t>(newline - bytes.data());
    std::string_view piece = bytes.substr(0, length);
    if (newline != nullptr && pending_.empty() && !discarding_ && piece.size() <= max_line_) {
      Deliver(piece);  // the common case: a whole line inside the buffer, no copy
    } else {
      if (!discarding_) {
        pending_.append(piece);
        if (pending_.size() > max_line_) {
          // Keep the head: a metric printed at the start of a giant line is still found.
          pending_.resize(max_line_);
          ++overlong_lines_;
          discarding_ = true;
        }
      }
      if (newline == nullptr) return;
      Emit();
    }
    bytes.remove_prefix(length + 1);
  }
}

void LineSplitter::Finish() {
  if (!pending_.empty() || discarding_) Emit();
}

void LineSplitter::Emit() {
  Deliver(pending_);
  pending_.clear();
  discarding_ = false;
}

void LineSplitter::Deliver(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // What a '\r' overwrote is gone: only the last segment was left on the screen.
  if (const void* cr = ::memrchr(line.data(), '\r', line.size()); cr != nullptr) {
    line.remove_prefix(static_cast<size_t>(static_cast<const char*>(cr) - line.data()) + 1);
  }
  if (std::memchr(line.data(), '\x1b', line.size()) == nullptr) {
    on_line_(line);  // no copy: progress bars are most of the lines that need cleaning
    return;
  }
  on_line_(CleanLine(line));
}

std::string CleanLine(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (size_t cr = line.rfind('\r'); cr != std::string_view::npos) line.remove_prefix(cr + 1);
  std::string clean;
  clean.reserve(line.size());
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\x1b' && i + 1 < line.size() && line[i + 1] == '[') {
      size_t j = i + 2;
      while (j < line.size() && !(line[j] >= 0x40 && line[j] <= 0x7e)) ++j;
      i = j;  // skip the final byte too
      continue;
    }
    clean += line[i];
  }
  return clean;
}

}  // namespace repro
