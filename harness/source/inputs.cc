#include "harness/source/inputs.h"

#include <fmt/format.h>
#include <unistd.h>

#include "harness/exec/command.h"
#include "harness/exec/environment.h"
#include "harness/util/atomic_file.h"
#include "harness/util/hash.h"
#include "harness/util/read_file.h"

namespace repro {
namespace {

namespace fs = std::filesystem;

// "size mtime" of a file, to tell whether a verified copy was touched since.
std::string Stamp(const fs::path& file) {
  std::error_code ec;
  auto size = fs::file_size(file, ec);
  auto time = fs::last_write_time(file, ec);
  return ec ? "" : fmt::format("{} {}", size, time.time_since_epoch().count());
}

Status Download(const std::string& url, const fs::path& to) {
  Command command;
  command.argv = {"curl",    "--fail", "--silent", "--show-error", "--location",
                  "--retry", "2",      "--output", to.string(),    url};
  command.cwd = to.parent_path();
  command.env = BuildToolEnvironment({});  // proxies and CA bundles of the user's shell apply
  command.timeout_seconds = 6 * 3600;
  CommandResult result = RunCommand(command);
  std::string said = TrimTrailingBlanks(result.err);
  if (result.succeeded()) return Status::Ok();
  if (result.not_started()) {
    return Error{
        fmt::format("cannot download {}: curl is not installed (apt-get install curl), or download it yourself "
                    "and name the file with 'from:'",
                    url)};
  }
  // With --retry curl says the same thing once per try: its last line is the reason.
  std::string last = said.substr(said.rfind('\n') == std::string::npos ? 0 : said.rfind('\n') + 1);
  int code = result.process.exit_code.value_or(0);
  if (code == 5 || code == 6 || code == 7 || code == 28) {  // proxy or host not resolved, no connection, timed out
    return Error{
        fmt::format("cannot download {}: {}. This machine seems to be offline, or behind a proxy repro was not "
                    "told of (it passes https_proxy and no_proxy to curl): download the file where there is "
                    "network and name it with 'from: FILE' instead of 'url:'",
                    url, last.empty() ? result.process.message : last)};
  }
  return Error{fmt::format("cannot download {}: {}", url, last.empty() ? result.process.message : last)};
}

}  // namespace

Result<fs::path> FetchInput(const Input& input, const fs::path& cache_dir) {
  fs::path dir = cache_dir / "inputs" / input.sha256;
  fs::path cached = dir / fs::path(input.path).filename();
  fs::path stamp = dir / ".verified";
  std::error_code ec;
  if (fs::exists(cached, ec) && ReadFile(stamp).value_or("-") == Stamp(cached)) return cached;
  fs::create_directories(dir, ec);
  if (ec) return Error{fmt::format("cannot create the input cache {}: {}", dir.string(), ec.message())};
  fs::path partial = dir / fmt::format(".partial-{}", ::getpid());
  std::string where = input.from.empty() ? input.url : input.from.string();
  if (!input.from.empty()) {
    if (!fs::is_regular_file(input.from, ec)) {
      return Error{fmt::format("input '{}' (manifest line {}): {} does not exist; put the file there or change 'from'",
                               input.path, input.line, input.from.string())};
    }
    fs::copy_file(input.from, partial, fs::copy_options::overwrite_existing, ec);
    if (ec) return Error{fmt::format("input '{}': cannot copy {}: {}", input.path, input.from.string(), ec.message())};
  } else if (Status downloaded = Download(input.url, partial); !downloaded) {
    fs::remove(partial, ec);
    return Error{fmt::format("input '{}' (manifest line {}): {}", input.path, input.line, downloaded.error())};
  }
  Result<std::string> found = Sha256File(partial);
  if (!found || *found != input.sha256) {
    fs::remove(partial, ec);
    return Error{
        fmt::format("input '{}' (manifest line {}): sha256 mismatch for {}: expected {}, found {}. The file changed "
                    "since the manifest was written, or 'sha256' is wrong",
                    input.path, input.line, where, input.sha256, found ? *found : found.error())};
  }
  // Read-only: attempts reach it through a link, and must not change what others read.
  fs::permissions(partial, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read, ec);
  fs::rename(partial, cached, ec);
  if (ec)
    return Error{fmt::format("input '{}': cannot move it into {}: {}", input.path, cached.string(), ec.message())};
  if (Status stamped = WriteFileAtomically(stamp, Stamp(cached)); !stamped) return Error{stamped.error()};
  return cached;
}

}  // namespace repro
