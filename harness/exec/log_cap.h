// The head-and-tail cap of one log stream: of everything a stream produces, the log keeps
// the first bytes, a line saying how much was cut, and the last bytes, within a byte cap.
// Pure (no files, no processes): the caller writes what Head() and Finish() hand back.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace repro {

class LogCap {
 public:
  // "cap_bytes" 0 or less: no cap, every byte goes to the head.
  explicit LogCap(int64_t cap_bytes);

  // Takes the next output of the stream; returns the part of "bytes" to write now. The rest
  // is kept in a ring of fixed size, so memory stays bounded however much the stream says.
  std::string_view Head(std::string_view bytes);

  struct Ending {
    std::string text;  // to write after the head: the cut line, when bytes were cut, and the tail
    int64_t cut = 0;   // bytes left out of the log
    int64_t kept = 0;  // bytes of output the log keeps (head and tail)
    int64_t seen = 0;  // bytes the stream produced
  };
  // Called once, when the stream ends.
  Ending Finish();

 private:
  int64_t TailCap() const;
  void KeepInTail(std::string_view bytes);
  std::string Tail() const;

  int64_t cap_;
  int64_t head_written_ = 0;
  int64_t seen_ = 0;
  std::string ring_;    // the newest bytes beyond the head, TailCap() long once used
  size_t ring_at_ = 0;  // next write position in the ring
  bool ring_full_ = false;
};

}  // namespace repro
