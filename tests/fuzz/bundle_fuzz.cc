// `repro verify` on arbitrary bytes: the archive is read in place with libarchive (gzip,
// tar) and checked against its SHA256SUMS. The input is written to an anonymous memory
// file (memfd) and verified through /proc/self/fd/N, so nothing is written to disk and
// nothing is left behind, whatever happens.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "harness/bundle/bundle.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  int fd = ::memfd_create("repro-fuzz-bundle", MFD_CLOEXEC);
  if (fd < 0) {
    std::perror("memfd_create");
    std::abort();
  }
  for (size_t written = 0; written < size;) {
    ssize_t n = ::write(fd, data + written, size - written);
    if (n <= 0) {
      std::perror("write");
      std::abort();
    }
    written += static_cast<size_t>(n);
  }
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  repro::Result<repro::VerifyResult> verified = repro::VerifyBundle(path);
  ::close(fd);
  if (verified) {
    repro::fuzz::Check(verified->intact <= verified->files, "more intact files than listed");
    repro::fuzz::Check(verified->ok() == verified->problems.empty(), "ok() disagrees with problems");
  } else {
    repro::fuzz::Check(!verified.error().empty(), "an error without a message");
  }
  return 0;
}
