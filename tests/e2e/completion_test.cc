// End-to-end: the bash completion completes commands, flags, manifest files and run keys.
#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <sstream>

#include "tests/test_util.h"

namespace repro {
namespace {

namespace fs = std::filesystem;

// What the completion offers for the command line "words" (the last one being completed),
// in "cwd": one candidate per line.
std::string Complete(const std::vector<std::string>& words, const fs::path& cwd) {
  std::string array;
  for (const std::string& word : words) array += " '" + word + "'";
  std::string script =
      "cd '" + cwd.string() + "' && source '" + REPRO_SOURCE_DIR + "/completion/repro.bash' && COMP_WORDS=(" + array +
      ") && COMP_CWORD=" + std::to_string(words.size() - 1) + " && _repro && printf '%s\\n' \"${COMPREPLY[@]}\" | sort";
  testing::WriteText(cwd / "complete.sh", script);
  std::string command =
      "bash '" + (cwd / "complete.sh").string() + "' > '" + (cwd / "complete.out").string() + "' 2>&1";
  EXPECT_EQ(std::system(command.c_str()), 0) << testing::ReadText(cwd / "complete.out");
  return testing::ReadText(cwd / "complete.out");
}

TEST(CompletionTest, CompletesCommandsFlagsManifestsAndRunKeys) {
  REPRO_REQUIRE(std::system("bash --version >/dev/null 2>&1") == 0, "bash");
  testing::ScopedTempDir dir;
  testing::WriteText(dir / "paper.yaml", "paper: {}\n");
  testing::WriteText(dir / "notes.txt", "x\n");
  fs::create_directories(dir / "results/paper/e/lr-1_seed-0_abcdef12/attempt-1");
  EXPECT_EQ(Complete({"repro", "ru"}, dir.path()), "run\n");
  EXPECT_EQ(Complete({"repro", "run", "--dr"}, dir.path()), "--dry-run\n");
  EXPECT_NE(Complete({"repro", "compare", "--"}, dir.path()).find("--claim\n"), std::string::npos);
  std::string manifests = Complete({"repro", "run", ""}, dir.path());
  EXPECT_NE(manifests.find("paper.yaml"), std::string::npos) << manifests;
  EXPECT_EQ(manifests.find("notes.txt"), std::string::npos) << manifests;
  EXPECT_EQ(Complete({"repro", "show", ""}, dir.path()), "abcdef12\n");
  EXPECT_EQ(Complete({"repro", "report", "--format", "ht"}, dir.path()), "html\n");
}

// The words of a completion's answer, or of a list.
std::set<std::string> Words(const std::string& text) {
  std::set<std::string> words;
  std::istringstream in(text);
  for (std::string word; in >> word;) words.insert(word);
  return words;
}

// The names `repro ... --help` lists under "Subcommands:".
std::set<std::string> HelpCommands(const std::string& help) {
  std::set<std::string> names;
  std::istringstream lines(help);
  bool in_list = false;
  for (std::string line; std::getline(lines, line);) {
    if (line == "Subcommands:") {
      in_list = true;
    } else if (in_list && line.rfind("  ", 0) == 0 && line.size() > 2 && line[2] != ' ') {
      names.insert(line.substr(2, line.find(' ', 2) - 2));
    } else if (in_list && line.empty()) {
      in_list = false;
    }
  }
  return names;
}

// The flags `repro ... --help` lists: "  -o,--output TEXT  ..." gives -o and --output.
std::set<std::string> HelpFlags(const std::string& help) {
  std::set<std::string> flags;
  std::istringstream lines(help);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  -", 0) != 0) continue;
    std::istringstream names(line.substr(2, line.find(' ', 2) - 2));
    for (std::string name; std::getline(names, name, ',');) flags.insert(name);
  }
  return flags;
}

std::string Help(const std::vector<std::string>& command, const fs::path& cwd) {
  std::vector<std::string> args = command;
  args.push_back("--help");
  testing::CommandResult help = testing::RunRepro(args, cwd);
  EXPECT_EQ(help.exit_code, 0) << help.err;
  return help.out;
}

// The completion offers what the binary takes: its commands, each command's flags, and
// report's formats, read from their --help so that the two cannot drift apart.
TEST(CompletionTest, OffersWhatTheHelpLists) {
  REPRO_REQUIRE(std::system("bash --version >/dev/null 2>&1") == 0, "bash");
  testing::ScopedTempDir dir;
  std::set<std::string> commands = HelpCommands(Help({}, dir.path()));
  ASSERT_TRUE(commands.count("run") && commands.count("import")) << Help({}, dir.path());
  std::set<std::string> offered = Words(Complete({"repro", ""}, dir.path()));
  offered.erase("--help");
  offered.erase("--version");
  EXPECT_EQ(offered, commands);

  for (const std::string& command : commands) {
    std::set<std::string> subcommands = HelpCommands(Help({command}, dir.path()));
    std::vector<std::vector<std::string>> lines = {{command}};
    for (const std::string& subcommand : subcommands) lines.push_back({command, subcommand});
    for (const std::vector<std::string>& line : lines) {
      std::vector<std::string> words = {"repro"};
      words.insert(words.end(), line.begin(), line.end());
      words.push_back("-");
      std::set<std::string> flags = Words(Complete(words, dir.path()));
      if (line.size() == 1 && !subcommands.empty()) {  // import: its subcommands too
        for (const std::string& word : Words(Complete({"repro", command, ""}, dir.path()))) {
          if (word[0] != '-') flags.insert(word);
        }
        std::set<std::string> expected = HelpFlags(Help(line, dir.path()));
        expected.insert(subcommands.begin(), subcommands.end());
        EXPECT_EQ(flags, expected) << command;
        continue;
      }
      EXPECT_EQ(flags, HelpFlags(Help(line, dir.path()))) << line.front() << " " << line.back();
    }
  }

  std::string report = Help({"report"}, dir.path());
  size_t format = report.find("\n  --format");  // its own line, not --index's mention of it
  ASSERT_NE(format, std::string::npos) << report;
  size_t open = report.find('{', format), close = report.find('}', format);
  ASSERT_LT(open, close) << report;
  std::string choices = report.substr(open + 1, close - open - 1);
  for (char& c : choices) c = c == ',' ? ' ' : c;
  EXPECT_EQ(Words(Complete({"repro", "report", "--format", ""}, dir.path())), Words(choices));
}

}  // namespace
}  // namespace repro
