#include "harness/exec/log_cap.h"

#include <fmt/format.h>

#include <algorithm>

namespace repro {

namespace {
constexpr int64_t kMaxTailBytes = 256 * 1024;
}  // namespace

LogCap::LogCap(int64_t cap_bytes) : cap_(cap_bytes) {}

int64_t LogCap::TailCap() const { return std::min<int64_t>(kMaxTailBytes, cap_ / 4); }

std::string_view LogCap::Head(std::string_view bytes) {
  seen_ += static_cast<int64_t>(bytes.size());
  if (cap_ <= 0) return bytes;
  int64_t head_room = std::max<int64_t>(0, cap_ - TailCap() - head_written_);
  size_t head_size = static_cast<size_t>(std::min<int64_t>(head_room, static_cast<int64_t>(bytes.size())));
  head_written_ += static_cast<int64_t>(head_size);
  KeepInTail(bytes.substr(head_size));
  return bytes.substr(0, head_size);
}

void LogCap::KeepInTail(std::string_view bytes) {
  size_t cap = static_cast<size_t>(TailCap());
  if (bytes.empty() || cap == 0) return;
  if (ring_.size() != cap) ring_.assign(cap, '\0');
  if (bytes.size() >= cap) {
    bytes.remove_prefix(bytes.size() - cap);
    ring_at_ = 0;
  }
  while (!bytes.empty()) {
    size_t n = std::min(bytes.size(), cap - ring_at_);
    ring_.replace(ring_at_, n, bytes.substr(0, n));
    ring_at_ = (ring_at_ + n) % cap;
    if (ring_at_ == 0) ring_full_ = true;
    bytes.remove_prefix(n);
  }
}

std::string LogCap::Tail() const {
  return ring_full_ ? ring_.substr(ring_at_) + ring_.substr(0, ring_at_) : ring_.substr(0, ring_at_);
}

LogCap::Ending LogCap::Finish() {
  Ending ending;
  ending.seen = seen_;
  if (cap_ <= 0) {  // everything was handed back as it came
    ending.kept = seen_;
    return ending;
  }
  std::string tail = Tail();
  ending.kept = head_written_ + static_cast<int64_t>(tail.size());
  ending.cut = seen_ - ending.kept;
  if (ending.cut > 0) {
    ending.text = fmt::format("\n[repro: {} bytes cut here; the log keeps the first {} and the last {} bytes]\n",
                              ending.cut, head_written_, tail.size());
  }
  ending.text += tail;
  ring_.clear();
  ring_.shrink_to_fit();
  return ending;
}

}  // namespace repro
