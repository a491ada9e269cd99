#include "harness/bundle/bundle.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "harness/bundle/signature.h"
#include "harness/report/render.h"
#include "harness/util/hash.h"
#include "harness/util/read_file.h"
#include "harness/util/regular_file.h"

namespace repro {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSums = "SHA256SUMS";
constexpr const char* kSignature = "SHA256SUMS.sig";  // not listed in SHA256SUMS: it signs it
constexpr const char* kReportJson = "report.json";
constexpr size_t kChunk = 1 << 16;
// Members verify reads as text, each with the most repro would write: SHA256SUMS has a line
// per file (~100 bytes each), a signature is a few hundred bytes, a report a few MB.
const std::map<std::string, size_t>& TextMembers() {
  static const std::map<std::string, size_t> kLimits = {
      {kSums, 16 << 20}, {kSignature, 64 << 10}, {kReportJson, 256 << 20}};
  return kLimits;
}

using ArchivePtr = std::unique_ptr<archive, int (*)(archive*)>;
using EntryPtr = std::unique_ptr<archive_entry, void (*)(archive_entry*)>;

std::string ArchiveError(archive* a) {
  const char* said = archive_error_string(a);
  return said != nullptr ? said : "unknown error";
}

// ---- writing ----

// A gzip'd tar written member by member; SHA256SUMS collects each member's digest as it goes.
class BundleWriter {
 public:
  explicit BundleWriter(std::string top) : archive_(archive_write_new(), archive_write_free), top_(std::move(top)) {}

  Status Open(const fs::path& path) {
    if (archive_write_add_filter_gzip(archive_.get()) != ARCHIVE_OK ||
        archive_write_set_format_pax_restricted(archive_.get()) != ARCHIVE_OK ||
        archive_write_open_filename(archive_.get(), path.c_str()) != ARCHIVE_OK) {
      return Error{fmt::format("cannot write {}: {}", path.string(), ArchiveError(archive_.get()))};
    }
    return Status::Ok();
  }

  Status AddText(const std::string& name, std::string_view text) {
    if (Status s = Header(name, static_cast<int64_t>(text.size())); !s) return s;
    Sha256 digest;
    if (Status s = Write(text, digest); !s) return s;
    sums_ += fmt::format("{}  {}\n", digest.HexDigest(), name);
    return Status::Ok();
  }

  // Streams an opened regular file; exactly the size it had when opened, so a file that
  // still grows cannot make the member disagree with its header.
  Status AddFile(const std::string& name, const RegularFile& file) {
    std::error_code ec;
    uintmax_t size = fs::file_size(file.Path(), ec);
    std::ifstream in(file.Path(), std::ios::binary);
    if (ec || !in) return Error{fmt::format("cannot read {} for the bundle", name)};
    if (Status s = Header(name, static_cast<int64_t>(size)); !s) return s;
    Sha256 digest;
    std::vector<char> buffer(kChunk);
    for (uintmax_t left = size; left > 0;) {
      size_t want = static_cast<size_t>(std::min<uintmax_t>(left, buffer.size()));
      in.read(buffer.data(), static_cast<std::streamsize>(want));
      size_t got = static_cast<size_t>(in.gcount());
      if (got == 0) {  // shrank since it was opened: zeros keep the header true
        std::fill(buffer.begin(), buffer.end(), '\0');
        got = want;
      }
      if (Status s = Write(std::string_view(buffer.data(), got), digest); !s) return s;
      left -= got;
    }
    sums_ += fmt::format("{}  {}\n", digest.HexDigest(), name);
    return Status::Ok();
  }

  // Adds SHA256SUMS and returns its text: what the root digest and a signature are over.
  Result<std::string> AddSums() {
    std::string sums = std::move(sums_);
    sums_.clear();
    if (Status s = AddText(kSums, sums); !s) return Error{s.error()};
    return sums;
  }

  // A member SHA256SUMS does not list (the signature over it).
  Status AddUnlisted(const std::string& name, std::string_view text) {
    if (Status s = Header(name, static_cast<int64_t>(text.size())); !s) return s;
    Sha256 digest;
    return Write(text, digest);
  }

  Status Close() {
    if (archive_write_close(archive_.get()) != ARCHIVE_OK)
      return Error{fmt::format("cannot finish the bundle: {}", ArchiveError(archive_.get()))};
    return Status::Ok();
  }

  int files() const { return static_cast<int>(std::count(sums_.begin(), sums_.end(), '\n')); }

 private:
  Status Header(const std::string& name, int64_t size) {
    EntryPtr entry(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(entry.get(), (top_ + "/" + name).c_str());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0644);
    archive_entry_set_size(entry.get(), size);
    archive_entry_set_mtime(entry.get(), std::time(nullptr), 0);
    if (archive_write_header(archive_.get(), entry.get()) != ARCHIVE_OK) {
      return Error{fmt::format("cannot add {} to the bundle: {}", name, ArchiveError(archive_.get()))};
    }
    return Status::Ok();
  }

  Status Write(std::string_view bytes, Sha256& digest) {
    digest.Update(bytes);
    for (size_t at = 0; at < bytes.size();) {
      la_ssize_t wrote = archive_write_data(archive_.get(), bytes.data() + at, std::min(bytes.size() - at, kChunk));
      if (wrote <= 0) return Error{fmt::format("cannot write the bundle: {}", ArchiveError(archive_.get()))};
      at += static_cast<size_t>(wrote);
    }
    return Status::Ok();
  }

  ArchivePtr archive_;
  std::string top_;
  std::string sums_;
};

// "results/m/exp/run/attempt-2" -> "exp/run/attempt-2": where an attempt's files go.
fs::path AttemptFolder(const std::string& dir) {
  fs::path path(dir), tail;
  std::vector<fs::path> parts(path.begin(), path.end());
  size_t keep = std::min<size_t>(3, parts.size());
  for (size_t i = parts.size() - keep; i < parts.size(); ++i) tail /= parts[i];
  return tail;
}

// A name inside the bundle for a file beside the manifest: its relative path, or under
// outside/ when it lives above the manifest's folder.
std::string BesideManifest(const Manifest& m, const fs::path& file) {
  fs::path relative = file.lexically_relative(m.dir);
  if (relative.empty() || *relative.begin() == "..") return (fs::path("outside") / file.filename()).string();
  return relative.string();
}

// The manifest's own files (added files, patches, files beside it that commands and setup
// steps use) are the user's: read as they are.
Status AddManifestFiles(const Evaluation& evaluation, BundleWriter& writer) {
  const Manifest& m = *evaluation.manifest;
  if (Status s = writer.AddText("manifest/" + m.path.filename().string(), m.text); !s) return s;
  std::vector<fs::path> files(m.source.patches.begin(), m.source.patches.end());
  for (const AddedFile& file : m.source.files) files.push_back(file.from);
  for (const Experiment& experiment : m.experiments) {
    if (experiment.source && experiment.source->patches)
      files.insert(files.end(), experiment.source->patches->begin(), experiment.source->patches->end());
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()),
              files.end());  // a patch may serve the manifest and an experiment
  for (const fs::path& file : files) {
    Result<std::string> text = ReadFile(file);
    if (!text) return Error{fmt::format("cannot copy {} into the bundle: {}", file.string(), text.error())};
    if (Status s = writer.AddText("manifest/" + BesideManifest(m, file), *text); !s) return s;
  }
  // Files the commands and setup steps name: regular files only, as the report hashed them
  // (a symlink there is named "unreadable" in the report and not followed here).
  for (const ManifestFile& file : evaluation.manifest_files) {
    Result<RegularFile> opened = RegularFile::Open(file.absolute);
    if (!opened) continue;
    if (Status s = writer.AddFile("manifest/" + BesideManifest(m, file.absolute), *opened); !s) return s;
  }
  return Status::Ok();
}

// Each attempt's logs and record: written by repro, but in a folder the released code could
// write to, so only regular files are packed; anything else is refused by name.
Status AddAttemptFiles(const std::vector<RunSpec>& runs, Store& store, BundleWriter& writer, BundleWritten& written) {
  for (const RunSpec& run : runs) {
    Result<std::vector<AttemptRecord>> attempts = store.Attempts(run.key);
    if (!attempts) return Error{attempts.error()};
    for (const AttemptRecord& attempt : *attempts) {
      for (const char* name : {"stdout.log", "stderr.log", "attempt.json"}) {
        fs::path path = fs::path(attempt.dir) / name;
        Result<RegularFile> file = RegularFile::Open(path);
        if (file.IsNotFound()) continue;
        if (!file) {
          written.refused.push_back(fmt::format("{}: {}", path.string(), file.error()));
          continue;
        }
        if (Status s = writer.AddFile(("logs" / AttemptFolder(attempt.dir) / name).string(), *file); !s) return s;
      }
    }
  }
  return Status::Ok();
}

// Where a setup step's log goes in the bundle: "setup/<key>/step-1.stdout.log", as it lies
// under results/<manifest>/setup/.
std::string SetupLogName(const fs::path& log) {
  return (fs::path("setup") / log.parent_path().filename() / log.filename()).string();
}

// The logs of the newest setup execution: the setup's folder is repro's, but setup steps run
// the released code's build, so only regular files are packed, as for attempts.
Status AddSetupLogs(const Evaluation& evaluation, BundleWriter& writer, BundleWritten& written) {
  for (const SetupStepView& step : evaluation.setup.steps) {
    for (const std::string& path : {step.record.stdout_path, step.record.stderr_path}) {
      Result<RegularFile> file = RegularFile::Open(path);
      if (file.IsNotFound()) continue;
      if (!file) {
        written.refused.push_back(fmt::format("{}: {}", path, file.error()));
        continue;
      }
      if (Status s = writer.AddFile(SetupLogName(path), *file); !s) return s;
    }
  }
  return Status::Ok();
}

// The database of this manifest's runs, exported into a private folder that is gone as soon
// as the export is open.
Status AddDatabase(const Manifest& m, const std::vector<RunSpec>& runs, const std::string& setup_key, Store& store,
                   BundleWriter& writer) {
  std::string pattern = (fs::temp_directory_path() / "repro-bundle-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr)
    return Error{fmt::format("cannot create a folder in {}", fs::temp_directory_path().string())};
  fs::path folder = pattern;
  std::vector<std::string> keys;
  for (const RunSpec& run : runs) keys.push_back(run.key);
  Status exported = store.ExportRuns(keys, m.sha256, folder / "repro.db", setup_key);
  Result<RegularFile> db =
      exported ? RegularFile::Open(folder / "repro.db") : Result<RegularFile>(Error{exported.error()});
  std::error_code ec;
  fs::remove_all(folder, ec);
  if (!db) return Error{fmt::format("cannot export the database for the bundle: {}", db.error())};
  return writer.AddFile("repro.db", *db);
}

// ---- reading ----

// What one archive member is, as read in place.
struct Member {
  std::string kind;    // empty for a regular file, else "a symbolic link to /etc/hostname", "a FIFO", ...
  std::string sha256;  // regular files only
};

std::string KindOf(archive_entry* entry) {
  if (const char* target = archive_entry_hardlink(entry)) return fmt::format("a hard link to {}", target);
  switch (archive_entry_filetype(entry)) {
    case AE_IFREG:
      return "";
    case AE_IFDIR:
      return "a directory";
    case AE_IFLNK:
      return fmt::format("a symbolic link to {}", archive_entry_symlink(entry) ? archive_entry_symlink(entry) : "?");
    case AE_IFIFO:
      return "a FIFO";
    case AE_IFSOCK:
      return "a socket";
    case AE_IFCHR:
    case AE_IFBLK:
      return "a device";
  }
  return "not a regular file";
}

// Whether a name stays inside the bundle's folder: relative, no "..", no empty name.
bool IsInside(const std::string& name) {
  if (name.empty() || name.front() == '/') return false;
  for (const fs::path& part : fs::path(name)) {
    if (part == "..") return false;
  }
  return true;
}

// Reads every member of the archive: regular files hashed as they stream by (SHA256SUMS kept
// as text), everything else named by kind. Members are keyed by their path under the
// bundle's top folder; a name outside that folder is a problem of its own.
struct Contents {
  std::map<std::string, Member> members;
  std::map<std::string, std::string> texts;  // SHA256SUMS, its signature, report.json (TextMembers)
  std::vector<std::string> problems;
  const std::string& Text(const std::string& name) const {
    static const std::string kNone;
    auto it = texts.find(name);
    return it == texts.end() ? kNone : it->second;
  }
};

Status ReadMemberData(archive* a, const std::string& name, Member& member, Contents& contents) {
  Sha256 digest;
  const void* block = nullptr;
  size_t size = 0;
  la_int64_t offset = 0;
  auto limit = TextMembers().find(name);
  std::string* text = limit == TextMembers().end() ? nullptr : &contents.texts[name];
  if (text != nullptr) text->clear();
  for (int r; (r = archive_read_data_block(a, &block, &size, &offset)) != ARCHIVE_EOF;) {
    if (r < ARCHIVE_WARN) return Error{fmt::format("cannot read {}: {}", name, ArchiveError(a))};
    std::string_view bytes(static_cast<const char*>(block), size);
    digest.Update(bytes);
    if (text != nullptr && text->size() + size > limit->second) {
      return Error{fmt::format("{} is larger than {} bytes: not one repro wrote", name, limit->second)};
    }
    if (text != nullptr) text->append(bytes);
  }
  member.sha256 = digest.HexDigest();
  return Status::Ok();
}

Result<Contents> ReadContents(archive* a) {
  Contents contents;
  std::string top;
  archive_entry* entry = nullptr;
  for (int r; (r = archive_read_next_header(a, &entry)) != ARCHIVE_EOF;) {
    if (r < ARCHIVE_WARN) return Error{ArchiveError(a)};
    std::string path = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    if (path.starts_with("./")) path.erase(0, 2);
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    size_t slash = path.find('/');
    std::string first = path.substr(0, slash);
    if (top.empty() && IsInside(first)) top = first;
    if (!IsInside(path) || first != top) {
      contents.problems.push_back(fmt::format("outside the bundle: {} (not read)", path));
      continue;
    }
    if (slash == std::string::npos) continue;  // the top folder itself
    std::string name = path.substr(slash + 1);
    Member member{KindOf(entry), ""};
    if (member.kind == "a directory") continue;
    if (contents.members.count(name)) {
      contents.problems.push_back(fmt::format("twice in the archive: {} (extracting would keep the last one)", name));
    }
    if (member.kind.empty()) {
      if (Status s = ReadMemberData(a, name, member, contents); !s) return Error{s.error()};
    }
    contents.members[name] = std::move(member);
  }
  return contents;
}

// One SHA256SUMS line, "<64 hex>  <name>"; nullopt when it is not one.
std::optional<std::pair<std::string, std::string>> ParseSumsLine(const std::string& line) {
  if (line.size() < 67 || line.compare(64, 2, "  ") != 0) return std::nullopt;
  std::string hash = line.substr(0, 64);
  if (!std::all_of(hash.begin(), hash.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }))
    return std::nullopt;
  return std::make_pair(hash, line.substr(66));
}

void CheckListed(const Contents& contents, VerifyResult& result, std::set<std::string>& listed) {
  std::istringstream sums(contents.Text(kSums));
  int number = 0;
  for (std::string line; std::getline(sums, line);) {
    ++number;
    auto parsed = ParseSumsLine(line);
    if (!parsed) {
      result.problems.push_back(fmt::format("{} line {} is not \"<sha256>  <file>\": {}", kSums, number, line));
      continue;
    }
    const auto& [expected, file] = *parsed;
    ++result.files;
    if (!IsInside(file)) {  // never looked up: it would name a file outside the bundle
      result.problems.push_back(fmt::format("outside the bundle: {} (listed in {}, not read)", file, kSums));
      continue;
    }
    if (!listed.insert(file).second) {
      result.problems.push_back(fmt::format("listed twice in {}: {}", kSums, file));
      continue;
    }
    auto member = contents.members.find(file);
    if (member == contents.members.end()) {
      result.problems.push_back(fmt::format("missing: {}", file));
    } else if (!member->second.kind.empty()) {
      result.problems.push_back(fmt::format("not a regular file: {} ({})", file, member->second.kind));
    } else if (member->second.sha256 != expected) {
      result.problems.push_back(
          fmt::format("changed: {} (sha256 expected {}, found {})", file, expected, member->second.sha256));
    } else {
      ++result.intact;
    }
  }
}

// Where a file report.json vouches for lies in the bundle (as WriteBundle names it):
// setup logs under setup/, attempt files under logs/<experiment>/<run>/<attempt>/.
std::string BundledName(const fs::path& path) {
  if (path.filename().string().starts_with("step-") && path.parent_path().parent_path().filename() == "setup")
    return SetupLogName(path);
  return ("logs" / AttemptFolder(path.parent_path().string()) / path.filename()).string();
}

// "manifest/<path>" of a file beside the manifest, as AddManifestFiles names it.
std::string BundledManifestName(const std::string& relative) {
  fs::path path(relative);
  if (path.empty() || *path.begin() == "..") return (fs::path("manifest/outside") / path.filename()).string();
  return (fs::path("manifest") / path).string();
}

// One hash report.json vouches for, checked against the bundled member.
void CrossCheck(const Contents& contents, const std::string& path, const std::string& member_name,
                const nlohmann::json& hash, VerifyResult& result) {
  if (!hash.is_string()) return;
  std::string expected = hash.get<std::string>();
  if (expected == "missing" || expected == "unreadable") return;  // the report vouches for nothing there
  auto member = contents.members.find(member_name);
  if (member == contents.members.end() || !member->second.kind.empty()) {
    result.problems.push_back(fmt::format("{} vouches for {} (sha256 {}), which is not in the bundle as {}",
                                          kReportJson, path, expected, member_name));
  } else if (member->second.sha256 != expected) {
    result.problems.push_back(fmt::format("{} vouches for {} with sha256 {}; the bundled {} has {}", kReportJson, path,
                                          expected, member_name, member->second.sha256));
  } else {
    ++result.report_hashes;
  }
}

// The report names the hashes of what it judged; a bundle whose logs were rewritten together
// with SHA256SUMS still disagrees with it (unless the report was rewritten too, which the
// root digest and the signature show).
void CheckReport(const Contents& contents, VerifyResult& result) {
  auto member = contents.members.find(kReportJson);
  if (member == contents.members.end() || !member->second.kind.empty()) {
    result.problems.push_back(
        fmt::format("no {} in the bundle: the hashes it lists cannot be cross-checked", kReportJson));
    return;
  }
  nlohmann::json report = nlohmann::json::parse(contents.Text(kReportJson), nullptr, /*allow_exceptions=*/false);
  if (!report.is_object()) {
    result.problems.push_back(
        fmt::format("{} is not a JSON object: the hashes it lists cannot be cross-checked", kReportJson));
    return;
  }
  const nlohmann::json& manifest = report.value("/manifest"_json_pointer, nlohmann::json());
  if (manifest.is_object() && manifest.value("path", nlohmann::json()).is_string()) {
    std::string path = manifest["path"].get<std::string>();
    CrossCheck(contents, path, "manifest/" + fs::path(path).filename().string(),
               manifest.value("sha256", nlohmann::json()), result);
  }
  const nlohmann::json& files = report.value("/source/files_beside_manifest"_json_pointer, nlohmann::json());
  for (const nlohmann::json& file : files.is_array() ? files : nlohmann::json::array()) {
    if (!file.is_object() || !file.value("path", nlohmann::json()).is_string()) continue;
    std::string path = file["path"].get<std::string>();
    CrossCheck(contents, path, BundledManifestName(path), file.value("sha256", nlohmann::json()), result);
  }
  const nlohmann::json& integrity = report.value("/review/integrity"_json_pointer, nlohmann::json());
  for (const nlohmann::json& entry : integrity.is_array() ? integrity : nlohmann::json::array()) {
    if (!entry.is_object() || !entry.value("path", nlohmann::json()).is_string()) continue;
    std::string path = entry["path"].get<std::string>();
    CrossCheck(contents, path, BundledName(path), entry.value("sha256", nlohmann::json()), result);
  }
}

// The root digest given with --digest, and the signature with --allowed-signers.
void CheckRoot(const Contents& contents, const VerifyOptions& options, VerifyResult& result) {
  if (!options.digest.empty()) {
    std::string given = options.digest;
    std::transform(given.begin(), given.end(), given.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    result.digest_matched = given == result.root_digest;
    if (!result.digest_matched) {
      result.problems.push_back(fmt::format("root digest {} is not the one given ({}): {} is not the one published",
                                            result.root_digest, options.digest, kSums));
    }
  }
  auto signature = contents.members.find(kSignature);
  result.has_signature = signature != contents.members.end() && signature->second.kind.empty();
  if (options.allowed_signers.empty()) return;
  if (!result.has_signature) {
    result.problems.push_back(fmt::format("no signature: the bundle has no {} to check against {}", kSignature,
                                          options.allowed_signers.string()));
    return;
  }
  Result<std::string> verified =
      VerifySignature(contents.Text(kSums), contents.Text(kSignature), options.allowed_signers, options.identity);
  if (verified)
    result.signature = *verified;
  else
    result.problems.push_back(
        fmt::format("bad signature: {} does not verify for {}: {}", kSignature, options.identity, verified.error()));
}

}  // namespace

Result<BundleWritten> WriteBundle(const Evaluation& evaluation, const std::vector<RunSpec>& runs, Store& store,
                                  const fs::path& output, const BundleOptions& options) {
  std::string name = output.filename().string();
  for (const char* suffix : {".tar.gz", ".tgz"}) {
    if (name.size() > std::string(suffix).size() && name.ends_with(suffix))
      name.resize(name.size() - std::string(suffix).size());
  }
  fs::path absolute = fs::absolute(output);
  fs::path partial = absolute;
  partial += ".partial";
  BundleWritten written;
  // Written straight into the archive, nothing staged: an interrupted bundle leaves at most
  // its ".partial" file beside the output.
  BundleWriter writer(name);
  Status packed = writer.Open(partial);
  if (packed) packed = AddManifestFiles(evaluation, writer);
  for (auto [file, text] : {std::pair<const char*, std::string>{"report.md", RenderMarkdown(evaluation)},
                            {"report.html", RenderHtml(evaluation)},
                            {"report.json", RenderJson(evaluation)}}) {
    if (packed) packed = writer.AddText(file, text);
  }
  if (packed) packed = AddAttemptFiles(runs, store, writer, written);
  if (packed) packed = AddSetupLogs(evaluation, writer, written);
  if (packed) packed = AddDatabase(*evaluation.manifest, runs, evaluation.setup.key, store, writer);
  if (packed) written.files = writer.files();
  Result<std::string> sums = packed ? writer.AddSums() : Result<std::string>(Error{packed.error()});
  if (!sums) packed = Status(Error{sums.error()});
  if (packed) written.root_digest = Sha256Hex(*sums);
  if (packed && !options.sign_key.empty()) {
    Result<std::string> signature = SignText(*sums, options.sign_key);
    packed = signature ? writer.AddUnlisted(kSignature, *signature) : Status(Error{signature.error()});
    written.is_signed = packed.ok();
  }
  if (packed) packed = writer.Close();
  std::error_code ec;
  if (!packed) {
    fs::remove(partial, ec);
    return Error{packed.error()};
  }
  fs::rename(partial, absolute, ec);
  if (ec) return Error{fmt::format("cannot write {}: {}", absolute.string(), ec.message())};
  return written;
}

Result<VerifyResult> VerifyBundle(const fs::path& archive_path, const VerifyOptions& options) {
  // The archive is opened once and judged by its descriptor: a FIFO given as the bundle
  // fails at once instead of waiting for a writer.
  int fd = ::open(archive_path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  struct stat info {};
  if (fd < 0 || ::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    if (fd >= 0) ::close(fd);
    return Error{fmt::format("{} is not a file", archive_path.string())};
  }
  ArchivePtr reader(archive_read_new(), archive_read_free);
  archive_read_support_filter_gzip(reader.get());  // what repro writes; no filter that runs a program
  archive_read_support_format_tar(reader.get());
  Result<Contents> contents = Error{""};
  if (archive_read_open_fd(reader.get(), fd, kChunk) != ARCHIVE_OK) {
    contents = Error{ArchiveError(reader.get())};
  } else {
    contents = ReadContents(reader.get());
  }
  reader.reset();
  ::close(fd);
  if (!contents)
    return Error{fmt::format("{} is not a bundle repro can read: {}", archive_path.string(), contents.error())};
  auto sums = contents->members.find(kSums);
  if (sums == contents->members.end())
    return Error{fmt::format("{} holds no {}: not a repro bundle", archive_path.string(), kSums)};
  if (!sums->second.kind.empty()) {
    return Error{fmt::format("{}: its {} is {}, not a regular file: not a repro bundle", archive_path.string(), kSums,
                             sums->second.kind)};
  }
  VerifyResult result;
  result.problems = contents->problems;
  result.root_digest = sums->second.sha256;
  std::set<std::string> listed;
  CheckListed(*contents, result, listed);
  CheckReport(*contents, result);
  CheckRoot(*contents, options, result);
  for (const auto& [file, member] : contents->members) {
    if (file == kSums || file == kSignature || listed.count(file)) continue;
    std::string kind = member.kind.empty() ? "" : member.kind + ", ";
    result.problems.push_back(fmt::format("not listed: {} ({}added after bundling)", file, kind));
  }
  return result;
}

}  // namespace repro
