#include "harness/bundle/signature.h"

#include <unistd.h>

#include <cstdlib>

#include <fmt/format.h>

#include "harness/exec/environment.h"
#include "harness/exec/process.h"
#include "harness/util/atomic_file.h"

namespace repro {
namespace {

namespace fs = std::filesystem;

// A folder of this process's own under the temporary directory, removed with the object.
class PrivateFolder {
 public:
  PrivateFolder() {
    std::string pattern = (fs::temp_directory_path() / "repro-sign-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~PrivateFolder() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  PrivateFolder(const PrivateFolder&) = delete;
  PrivateFolder& operator=(const PrivateFolder&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string Trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

// ssh-keygen with its output captured in "folder"; "stdin" feeds it the signed text. The
// agent's socket passes through, so a key held by ssh-agent signs too.
struct KeygenRun {
  bool ok = false;
  std::string out, err;
};
KeygenRun RunKeygen(const std::vector<std::string>& args, const fs::path& folder, const fs::path& stdin_path = {}) {
  ProcessSpec spec;
  spec.argv = {"ssh-keygen"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.cwd = folder;
  EnvPairs pass;
  if (const char* agent = std::getenv("SSH_AUTH_SOCK"); agent != nullptr) pass.emplace_back("SSH_AUTH_SOCK", agent);
  spec.env = BuildChildEnvironment(pass, {});
  spec.stdout_path = folder / "ssh-keygen.out";
  spec.stderr_path = folder / "ssh-keygen.err";
  spec.stdin_path = stdin_path;
  spec.timeout_seconds = 60;  // a key with a passphrase and no agent would wait for a terminal it has not got
  ProcessResult result = RunProcess(spec);
  KeygenRun run{result.end == ProcessEnd::kExited && result.exit_code == 0, ReadFile(spec.stdout_path).value_or(""),
                ReadFile(spec.stderr_path).value_or("")};
  if (result.end == ProcessEnd::kStartFailed) run.err = result.message + " (ssh-keygen comes with openssh-client)";
  return run;
}

}  // namespace

Result<std::string> SignText(const std::string& text, const fs::path& key) {
  PrivateFolder folder;
  if (folder.path().empty()) return Error{fmt::format("cannot create a folder in {}", fs::temp_directory_path().string())};
  fs::path file = folder.path() / "SHA256SUMS";
  if (Status written = WriteFileAtomically(file, text, /*durable=*/false); !written) return Error{written.error()};
  KeygenRun run = RunKeygen({"-q", "-Y", "sign", "-f", fs::absolute(key).string(), "-n", kBundleSignatureNamespace, file.string()},
                            folder.path());
  if (!run.ok) {
    return Error{fmt::format("ssh-keygen could not sign with {}: {} (a key with a passphrase signs through ssh-agent: "
                             "ssh-add it and give its .pub)", key.string(), Trimmed(run.err))};
  }
  Result<std::string> signature = ReadFile(folder.path() / "SHA256SUMS.sig");
  if (!signature) return Error{fmt::format("ssh-keygen wrote no signature: {}", signature.error())};
  return *signature;
}

Result<std::string> VerifySignature(const std::string& text, const std::string& signature, const fs::path& allowed_signers,
                                    const std::string& identity) {
  PrivateFolder folder;
  if (folder.path().empty()) return Error{fmt::format("cannot create a folder in {}", fs::temp_directory_path().string())};
  fs::path data = folder.path() / "SHA256SUMS", sig = folder.path() / "SHA256SUMS.sig";
  if (Status s = WriteFileAtomically(data, text, false); !s) return Error{s.error()};
  if (Status s = WriteFileAtomically(sig, signature, false); !s) return Error{s.error()};
  KeygenRun run = RunKeygen({"-Y", "verify", "-f", fs::absolute(allowed_signers).string(), "-I", identity, "-n",
                             kBundleSignatureNamespace, "-s", sig.string()},
                            folder.path(), data);
  if (!run.ok) return Error{Trimmed(run.err.empty() ? run.out : run.err)};
  return Trimmed(run.out.empty() ? run.err : run.out);
}

}  // namespace repro
