#include "harness/bundle/signature.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>

#include "harness/exec/command.h"
#include "harness/exec/environment.h"
#include "harness/util/atomic_file.h"
#include "harness/util/private_folder.h"
#include "harness/util/read_file.h"

namespace repro {
namespace {

namespace fs = std::filesystem;

// ssh-keygen with its output captured; "stdin" feeds it the signed text. The agent's socket
// passes through, so a key held by ssh-agent signs too.
CommandResult RunKeygen(const std::vector<std::string>& args, const fs::path& folder, const fs::path& stdin_path = {}) {
  Command command;
  command.argv = {"ssh-keygen"};
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  command.cwd = folder;
  EnvPairs pass;
  if (const char* agent = std::getenv("SSH_AUTH_SOCK"); agent != nullptr) pass.emplace_back("SSH_AUTH_SOCK", agent);
  command.env = BuildChildEnvironment(pass, {});
  command.stdin_path = stdin_path;
  command.log_dir = folder;
  command.log_name = "ssh-keygen";
  command.timeout_seconds = 60;  // a key with a passphrase and no agent would wait for a terminal it has not got
  CommandResult run = RunCommand(command);
  if (run.not_started()) run.err = run.process.message + " (ssh-keygen comes with openssh-client)";
  return run;
}

}  // namespace

Result<std::string> SignText(const std::string& text, const fs::path& key) {
  PrivateFolder folder("repro-sign");
  if (folder.path().empty())
    return Error{fmt::format("cannot create a folder in {}", fs::temp_directory_path().string())};
  fs::path file = folder.path() / "SHA256SUMS";
  if (Status written = WriteFileAtomically(file, text, /*durable=*/false); !written) return Error{written.error()};
  CommandResult run =
      RunKeygen({"-q", "-Y", "sign", "-f", fs::absolute(key).string(), "-n", kBundleSignatureNamespace, file.string()},
                folder.path());
  if (!run.succeeded()) {
    return Error{
        fmt::format("ssh-keygen could not sign with {}: {} (a key with a passphrase signs through ssh-agent: "
                    "ssh-add it and give its .pub)",
                    key.string(), TrimTrailingBlanks(run.err))};
  }
  Result<std::string> signature = ReadFile(folder.path() / "SHA256SUMS.sig");
  if (!signature) return Error{fmt::format("ssh-keygen wrote no signature: {}", signature.error())};
  return *signature;
}

Result<std::string> VerifySignature(const std::string& text, const std::string& signature,
                                    const fs::path& allowed_signers, const std::string& identity) {
  PrivateFolder folder("repro-sign");
  if (folder.path().empty())
    return Error{fmt::format("cannot create a folder in {}", fs::temp_directory_path().string())};
  fs::path data = folder.path() / "SHA256SUMS", sig = folder.path() / "SHA256SUMS.sig";
  if (Status s = WriteFileAtomically(data, text, false); !s) return Error{s.error()};
  if (Status s = WriteFileAtomically(sig, signature, false); !s) return Error{s.error()};
  CommandResult run = RunKeygen({"-Y", "verify", "-f", fs::absolute(allowed_signers).string(), "-I", identity, "-n",
                                 kBundleSignatureNamespace, "-s", sig.string()},
                                folder.path(), data);
  if (!run.succeeded()) return Error{TrimTrailingBlanks(run.err.empty() ? run.out : run.err)};
  return TrimTrailingBlanks(run.out.empty() ? run.err : run.out);
}

}  // namespace repro
