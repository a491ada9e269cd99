#include "harness/bundle/bundle.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "harness/exec/environment.h"
#include "harness/exec/process.h"
#include "harness/report/render.h"
#include "harness/util/atomic_file.h"
#include "harness/util/hash.h"

namespace repro {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSums = "SHA256SUMS";

Status Tar(const std::vector<std::string>& args, const fs::path& cwd) {
  ProcessSpec spec;
  spec.argv = {"tar"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.cwd = cwd;
  spec.env = BuildChildEnvironment({}, {});
  spec.stdout_path = "/dev/null";
  spec.stderr_path = cwd / ".tar.err";
  spec.timeout_seconds = 3600;
  ProcessResult result = RunProcess(spec);
  std::string said = ReadFile(spec.stderr_path).value_or("");
  std::error_code ignored;
  fs::remove(spec.stderr_path, ignored);
  if (result.end == ProcessEnd::kExited && result.exit_code == 0) return Status::Ok();
  return Error{fmt::format("tar {} failed: {}", args.front(), said.empty() ? result.message : said)};
}

Status Copy(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) return Error{fmt::format("cannot copy {} into the bundle: {}", from.string(), ec.message())};
  return Status::Ok();
}

// "results/m/exp/run/attempt-2" -> "exp/run/attempt-2": where an attempt's files go.
fs::path AttemptFolder(const std::string& dir) {
  fs::path path(dir), tail;
  std::vector<fs::path> parts(path.begin(), path.end());
  size_t keep = std::min<size_t>(3, parts.size());
  for (size_t i = parts.size() - keep; i < parts.size(); ++i) tail /= parts[i];
  return tail;
}

// Every regular file under "root", relative, sorted.
std::vector<std::string> FilesUnder(const fs::path& root) {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) files.push_back(entry.path().lexically_relative(root).string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// A name inside the bundle for a file beside the manifest: its relative path, or under
// outside/ when it lives above the manifest's folder.
std::string BesideManifest(const Manifest& m, const fs::path& file) {
  fs::path relative = file.lexically_relative(m.dir);
  if (relative.empty() || *relative.begin() == "..") return (fs::path("outside") / file.filename()).string();
  return relative.string();
}

Status Stage(const Evaluation& evaluation, const std::vector<RunSpec>& runs, Store& store, const fs::path& root) {
  const Manifest& m = *evaluation.manifest;
  std::error_code ec;
  fs::create_directories(root / "manifest", ec);
  if (ec) return Error{fmt::format("cannot create {}: {}", (root / "manifest").string(), ec.message())};
  if (Status s = WriteFileAtomically(root / "manifest" / m.path.filename(), m.text, false); !s) return s;
  for (const AddedFile& file : m.source.files) {
    if (Status s = Copy(file.from, root / "manifest" / BesideManifest(m, file.from)); !s) return s;
  }
  for (const fs::path& patch : m.source.patches) {
    if (Status s = Copy(patch, root / "manifest" / BesideManifest(m, patch)); !s) return s;
  }
  for (auto [name, text] : {std::pair<const char*, std::string>{"report.md", RenderMarkdown(evaluation)},
                            {"report.html", RenderHtml(evaluation)}, {"report.json", RenderJson(evaluation)}}) {
    if (Status s = WriteFileAtomically(root / name, text, false); !s) return s;
  }
  std::vector<std::string> keys;
  for (const RunSpec& run : runs) {
    keys.push_back(run.key);
    Result<std::vector<AttemptRecord>> attempts = store.Attempts(run.key);
    if (!attempts) return Error{attempts.error()};
    for (const AttemptRecord& attempt : *attempts) {
      for (const char* name : {"stdout.log", "stderr.log", "attempt.json"}) {
        fs::path file = fs::path(attempt.dir) / name;
        if (!fs::exists(file)) continue;
        if (Status s = Copy(file, root / "logs" / AttemptFolder(attempt.dir) / name); !s) return s;
      }
    }
  }
  if (Status s = store.ExportRuns(keys, m.sha256, root / "repro.db"); !s) return s;
  std::string sums;
  for (const std::string& file : FilesUnder(root)) {
    Result<std::string> hash = Sha256File(root / file);
    if (!hash) return Error{hash.error()};
    sums += fmt::format("{}  {}\n", *hash, file);
  }
  return WriteFileAtomically(root / kSums, sums, false);
}

}  // namespace

Status WriteBundle(const Evaluation& evaluation, const std::vector<RunSpec>& runs, Store& store, const fs::path& output) {
  std::string name = output.filename().string();
  for (const char* suffix : {".tar.gz", ".tgz"}) {
    if (name.size() > std::string(suffix).size() && name.ends_with(suffix)) name.resize(name.size() - std::string(suffix).size());
  }
  fs::path staging = fs::temp_directory_path() / fmt::format("repro-bundle-{}", ::getpid());
  std::error_code ec;
  fs::remove_all(staging, ec);
  fs::create_directories(staging / name, ec);
  if (ec) return Error{fmt::format("cannot create {}: {}", staging.string(), ec.message())};
  Status staged = Stage(evaluation, runs, store, staging / name);
  fs::path absolute = fs::absolute(output);
  fs::path partial = absolute;
  partial += ".partial";
  Status packed = staged ? Tar({"-czf", partial.string(), name}, staging) : staged;
  fs::remove_all(staging, ec);
  if (!packed) {
    fs::remove(partial, ec);
    return packed;
  }
  fs::rename(partial, absolute, ec);
  if (ec) return Error{fmt::format("cannot write {}: {}", absolute.string(), ec.message())};
  return Status::Ok();
}

Result<VerifyResult> VerifyBundle(const fs::path& archive) {
  if (!fs::is_regular_file(archive)) return Error{fmt::format("{} is not a file", archive.string())};
  fs::path work = fs::temp_directory_path() / fmt::format("repro-verify-{}", ::getpid());
  std::error_code ec;
  fs::remove_all(work, ec);
  fs::create_directories(work, ec);
  auto cleanup = [&] { fs::remove_all(work, ec); };
  if (Status unpacked = Tar({"-xzf", fs::absolute(archive).string()}, work); !unpacked) {
    cleanup();
    return Error{fmt::format("{} is not a bundle repro can read: {}", archive.string(), unpacked.error())};
  }
  std::vector<fs::path> tops;
  for (const auto& entry : fs::directory_iterator(work)) tops.push_back(entry.path());
  if (tops.size() != 1 || !fs::exists(tops[0] / kSums)) {
    cleanup();
    return Error{fmt::format("{} holds no {}: not a repro bundle", archive.string(), kSums)};
  }
  fs::path root = tops[0];
  VerifyResult result;
  std::map<std::string, std::string> listed;
  std::istringstream sums(ReadFile(root / kSums).value_or(""));
  for (std::string line; std::getline(sums, line);) {
    if (line.size() > 66) listed[line.substr(66)] = line.substr(0, 64);
  }
  for (const auto& [file, expected] : listed) {
    ++result.files;
    if (!fs::exists(root / file)) {
      result.problems.push_back(fmt::format("missing: {}", file));
      continue;
    }
    std::string found = Sha256File(root / file).value_or("unreadable");
    if (found != expected) result.problems.push_back(fmt::format("changed: {} (sha256 expected {}, found {})", file, expected, found));
  }
  for (const std::string& file : FilesUnder(root)) {
    if (file != kSums && !listed.count(file)) result.problems.push_back(fmt::format("not listed: {} (added after bundling)", file));
  }
  cleanup();
  return result;
}

}  // namespace repro
