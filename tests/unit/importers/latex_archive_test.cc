// repro import latex on a paper's arXiv source as it is downloaded: a .tar.gz with the main
// file and its \input files in folders, or one gzipped .tex. The archive is a stranger's: it is
// read in place, and members that are links or whose names leave the archive are never read.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "harness/exec/process.h"
#include "harness/importers/latex.h"
#include "tests/test_util.h"

namespace repro {
namespace {

using testing::ScopedTempDir;
using testing::WriteText;

const char* kMain = R"tex(\documentclass{article}
\title{An Archived Paper}
\begin{document}
\input{tables/results}
\end{document}
)tex";

const char* kTable = R"tex(\begin{table}
\caption{Results.}\label{tab:results}
\begin{tabular}{lc}
Method & Acc $\uparrow$ \\
Ours & $93.2 \pm 0.1$ \\
\end{tabular}
\end{table}
)tex";

// Builds "name" in "dir" with Python's tarfile, which writes any member name and type asked.
void MakeArchive(const std::filesystem::path& dir, const std::string& name, const std::string& members) {
  std::string script = fmt::format(
      "import io, sys, tarfile\n"
      "with tarfile.open(sys.argv[1], 'w:gz') as t:\n"
      "    for member, kind, text in [{}]:\n"
      "        info = tarfile.TarInfo(member)\n"
      "        if kind == 'link':\n"
      "            info.type, info.linkname = tarfile.SYMTYPE, text\n"
      "            t.addfile(info)\n"
      "        else:\n"
      "            data = text.encode()\n"
      "            info.size = len(data)\n"
      "            t.addfile(info, io.BytesIO(data))\n",
      members);
  ProcessSpec spec;
  spec.argv = {"/usr/bin/python3", "-c", script, (dir / name).string()};
  spec.cwd = dir;
  spec.env = BuildChildEnvironment({}, {});
  spec.stdout_path = dir / "python.out";
  spec.stderr_path = dir / "python.err";
  ProcessResult made = RunProcess(spec);
  ASSERT_EQ(made.exit_code, 0) << testing::ReadText(spec.stderr_path);
}

std::string PyString(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\n' ? std::string("\\n") : c == '\\' ? std::string("\\\\") : std::string(1, c);
  return out + "'";
}

TEST(LatexArchiveTest, ATarGzFromArxivIsReadInPlace) {
  REPRO_REQUIRE(std::filesystem::exists("/usr/bin/python3"), "/usr/bin/python3 (Debian package python3)");
  ScopedTempDir dir;
  WriteText(dir.path() / "secret.tex",
            "\\begin{table}\\caption{Stolen}\\begin{tabular}{lc}a & 1 \\\\ \\end{tabular}\\end{table}");
  MakeArchive(dir.path(), "2501.00001.tar.gz",
              fmt::format("('main.tex', 'file', {}), ('tables/results.tex', 'file', {}), "
                          "('../secret.tex', 'file', 'x'), ('tables/link.tex', 'link', '/etc/passwd'), "
                          "('figures/plot.pdf', 'file', 'not tex')",
                          PyString(kMain), PyString(kTable)));
  Result<LatexPaper> paper = ReadLatexPaper(dir.path() / "2501.00001.tar.gz");
  ASSERT_TRUE(paper) << paper.error();
  EXPECT_EQ(paper->title, "An Archived Paper");
  ASSERT_EQ(paper->tables.size(), 1u);
  const LatexTable& table = paper->tables[0];
  EXPECT_EQ(table.label, "tab:results");
  EXPECT_EQ(table.where, "tables/results.tex:1") << "members keep their names and lines";
  ASSERT_EQ(table.rows.size(), 1u);
  EXPECT_EQ(table.rows[0].cells[0].number->text, "93.2");
  EXPECT_EQ(table.rows[0].cells[0].number->std_text, "0.1");
  EXPECT_EQ(paper->problems, (std::vector<std::string>{"../secret.tex: a name that climbs out (not read)",
                                                       "tables/link.tex: not a regular file (not read)"}));
  Result<LatexPaper> within = ReadLatexPaper(dir.path() / "2501.00001.tar.gz", dir.path());
  ASSERT_FALSE(within);
  EXPECT_EQ(within.error(), "--within goes with a folder; an archive is read whole");
}

TEST(LatexArchiveTest, AnInputThatLeavesTheArchiveIsNotFollowed) {
  REPRO_REQUIRE(std::filesystem::exists("/usr/bin/python3"), "/usr/bin/python3 (Debian package python3)");
  ScopedTempDir dir;
  WriteText(dir.path() / "outside.tex", kTable);
  std::string main = "\\documentclass{article}\\begin{document}\\input{../outside}\\end{document}";
  MakeArchive(dir.path(), "src.tar.gz", fmt::format("('paper/main.tex', 'file', {})", PyString(main)));
  Result<LatexPaper> paper = ReadLatexPaper(dir.path() / "src.tar.gz");
  ASSERT_TRUE(paper) << paper.error();
  EXPECT_TRUE(paper->tables.empty());
  EXPECT_EQ(paper->problems, (std::vector<std::string>{"outside.tex: not in the archive"}))
      << "paper/../outside.tex is outside.tex of the archive, which it does not hold; the folder beside the "
         "archive is never read";
}

TEST(LatexArchiveTest, AGzippedSingleTexFileAndWhatIsNoArchive) {
  REPRO_REQUIRE(std::filesystem::exists("/usr/bin/gzip"), "gzip");
  ScopedTempDir dir;
  WriteText(dir.path() / "2501.00002",
            std::string(kMain).replace(std::string(kMain).find("\\input{tables/results}"), 22, kTable));
  ProcessSpec gzip;
  gzip.argv = {"/usr/bin/gzip", "-S", ".gz", (dir.path() / "2501.00002").string()};
  gzip.cwd = dir.path();
  gzip.env = BuildChildEnvironment({}, {});
  gzip.stdout_path = gzip.stderr_path = "/dev/null";
  ASSERT_EQ(RunProcess(gzip).exit_code, 0);
  Result<LatexPaper> paper = ReadLatexPaper(dir.path() / "2501.00002.gz");
  ASSERT_TRUE(paper) << paper.error();
  ASSERT_EQ(paper->tables.size(), 1u);
  EXPECT_EQ(paper->tables[0].where, "main.tex:4");

  WriteText(dir.path() / "broken.tar.gz", "not gzip at all");
  Result<LatexPaper> broken = ReadLatexPaper(dir.path() / "broken.tar.gz");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error(), (dir.path() / "broken.tar.gz").string() + " holds no .tex file with \\documentclass")
      << "bytes that are no archive are read as one file, which is no paper";
}

}  // namespace
}  // namespace repro
