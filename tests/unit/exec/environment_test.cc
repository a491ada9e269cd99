#include "harness/exec/environment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "harness/source/git.h"
#include "harness/source/inputs.h"
#include "tests/test_util.h"

namespace repro {
namespace {

using testing::ScopedTempDir;

bool Has(const std::vector<std::string>& env, const std::string& entry) {
  return std::find(env.begin(), env.end(), entry) != env.end();
}

// Sets a variable of this process for one test.
class ScopedVariable {
 public:
  ScopedVariable(const char* name, const std::string& value) : name_(name) { ::setenv(name, value.c_str(), 1); }
  ~ScopedVariable() { ::unsetenv(name_); }

 private:
  const char* name_;
};

TEST(ChildEnvironmentTest, PythonIsUnbufferedUnlessTheManifestSaysOtherwise) {
  EXPECT_TRUE(Has(BuildChildEnvironment({}, {}), "PYTHONUNBUFFERED=1"));
  std::vector<std::string> overridden = BuildChildEnvironment({{"PYTHONUNBUFFERED", ""}}, {});
  EXPECT_TRUE(Has(overridden, "PYTHONUNBUFFERED="));
  EXPECT_FALSE(Has(overridden, "PYTHONUNBUFFERED=1"));
}

TEST(ChildEnvironmentTest, ProxiesAndGitConfigReachReprosToolsButNotTheCode) {
  ScopedVariable proxy("https_proxy", "http://proxy.example:3128");
  ScopedVariable config("GIT_CONFIG_GLOBAL", "/etc/some.gitconfig");
  EXPECT_FALSE(Has(BuildChildEnvironment({}, {}), "https_proxy=http://proxy.example:3128"));
  std::vector<std::string> tool = BuildToolEnvironment({});
  EXPECT_TRUE(Has(tool, "https_proxy=http://proxy.example:3128"));
  EXPECT_TRUE(Has(tool, "GIT_CONFIG_GLOBAL=/etc/some.gitconfig"));
}

// A setup step fetches and installs like repro's own git: through the proxy, with the CA
// bundle, git's config and pip's index; never with the ssh agent's socket.
TEST(ChildEnvironmentTest, SetupStepsGetTheToolVariablesButNoAgentSocket) {
  ScopedVariable proxy("https_proxy", "http://proxy.example:3128");
  ScopedVariable config("GIT_CONFIG_GLOBAL", "/etc/some.gitconfig");
  ScopedVariable ca("SSL_CERT_FILE", "/etc/ssl/corp.pem");
  ScopedVariable index("PIP_INDEX_URL", "https://pypi.corp.example/simple");
  ScopedVariable agent("SSH_AUTH_SOCK", "/tmp/agent.sock");
  std::vector<std::string> setup = BuildSetupEnvironment({{"PIP_INDEX_URL", "https://mirror.example/simple"}});
  EXPECT_TRUE(Has(setup, "https_proxy=http://proxy.example:3128"));
  EXPECT_TRUE(Has(setup, "GIT_CONFIG_GLOBAL=/etc/some.gitconfig"));
  EXPECT_TRUE(Has(setup, "SSL_CERT_FILE=/etc/ssl/corp.pem"));
  EXPECT_TRUE(Has(setup, "PIP_INDEX_URL=https://mirror.example/simple")) << "the manifest's env has the last word";
  EXPECT_TRUE(Has(setup, "PYTHONUNBUFFERED=1"));
  EXPECT_FALSE(Has(setup, "SSH_AUTH_SOCK=/tmp/agent.sock"));
  std::vector<std::string> run = BuildChildEnvironment({}, {});
  EXPECT_FALSE(Has(run, "https_proxy=http://proxy.example:3128")) << "never the experiments' runs";
  EXPECT_FALSE(Has(run, "PIP_INDEX_URL=https://pypi.corp.example/simple"));
}

TEST(ChildEnvironmentTest, GitReadsTheConfigGitConfigGlobalNames) {
  REPRO_REQUIRE(RunGitQuietly({"--version"}, "/").ok(), "git");
  ScopedTempDir dir;
  testing::WriteText(dir / "gitconfig", "[repro]\n\tprobe = seen\n");
  ScopedVariable config("GIT_CONFIG_GLOBAL", (dir / "gitconfig").string());
  std::string out;
  ASSERT_TRUE(RunGitQuietly({"config", "--global", "--get", "repro.probe"}, dir.path(), &out).ok());
  EXPECT_EQ(out, "seen\n");
}

TEST(ChildEnvironmentTest, AFailedDownloadSaysOnceWhyAndSuggestsFrom) {
  REPRO_REQUIRE(::system("curl --version >/dev/null 2>&1") == 0, "curl");
  ScopedTempDir dir;
  ScopedVariable proxy("http_proxy", "http://127.0.0.1:9");  // nothing listens there: curl went through the proxy
  Input input;
  input.path = "data.csv";
  input.sha256 = std::string(64, 'a');
  input.url = "http://example.org/data.csv";
  input.line = 3;
  Result<std::filesystem::path> fetched = FetchInput(input, dir.path());
  ASSERT_FALSE(fetched.ok());
  EXPECT_NE(fetched.error().find("127.0.0.1"), std::string::npos) << "the proxy was used: " << fetched.error();
  EXPECT_NE(fetched.error().find("name it with 'from: FILE'"), std::string::npos) << fetched.error();
  EXPECT_EQ(fetched.error().find("curl: ("), fetched.error().rfind("curl: (")) << "said once: " << fetched.error();
}

}  // namespace
}  // namespace repro
