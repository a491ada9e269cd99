#include "harness/util/process_identity.h"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace repro {
std::string HostName() {
  char name[256] = {};
  ::gethostname(name, sizeof(name) - 1);
  return name;
}

namespace {

// Field 22 of /proc/<pid>/stat; "" when the process does not exist.
std::string StartTime(long pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t after_name = stat.rfind(')');  // the command name may contain spaces
  if (after_name == std::string::npos) return "";
  std::istringstream fields(stat.substr(after_name + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 3 && (field == "Z" || field == "X")) return "";  // a zombie is no longer running
  }
  return field;
}

}  // namespace

std::string ThisProcessIdentity() { return fmt::format("{}:{}:{}", HostName(), ::getpid(), StartTime(::getpid())); }

long LocalProcessId(const std::string& identity) {
  size_t last = identity.rfind(':');
  size_t middle = last == std::string::npos || last == 0 ? std::string::npos : identity.rfind(':', last - 1);
  if (middle == std::string::npos || identity.substr(0, middle) != HostName()) return 0;
  return std::strtol(identity.substr(middle + 1, last - middle - 1).c_str(), nullptr, 10);
}

Liveness ProcessLiveness(const std::string& identity) {
  long pid = LocalProcessId(identity);
  if (pid <= 0) return Liveness::kUnknown;
  size_t last = identity.rfind(':');
  std::string start = StartTime(pid);
  return !start.empty() && start == identity.substr(last + 1) ? Liveness::kAlive : Liveness::kDead;
}

}  // namespace repro
