#include "harness/report/pdf.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace repro {
namespace {

namespace fs = std::filesystem;
using testing::ReadText;
using testing::ScopedTempDir;
using testing::WriteText;

// A stand-in for Chromium: a shell script that gets Chromium's arguments.
fs::path FakeChromium(const ScopedTempDir& dir, const std::string& body) {
  fs::path script = dir / "chromium";
  WriteText(script, "#!/bin/sh\n" + body, /*executable=*/true);
  return script;
}

TEST(PdfTest, WithoutChromiumTheErrorNamesThePackage) {
  Result<std::string> pdf = RenderPdf("<html></html>", {"/nonexistent/chromium", 5});
  ASSERT_FALSE(pdf.ok());
  EXPECT_NE(pdf.error().find("no Chromium found"), std::string::npos) << pdf.error();
  EXPECT_NE(pdf.error().find("install Debian's package 'chromium'"), std::string::npos) << pdf.error();
}

TEST(PdfTest, ChromiumPrintsThePageInAPrivateProfileWithoutNetwork) {
  ScopedTempDir dir;
  fs::path args = dir / "args";
  fs::path chromium = FakeChromium(dir, "printf '%s\\n' \"$@\" > " + args.string() +
                                            "\n"
                                            "for a in \"$@\"; do case $a in --print-to-pdf=*) printf '%%PDF-1.7 fake' "
                                            "> \"${a#--print-to-pdf=}\";; esac; done\n");
  Result<std::string> pdf = RenderPdf("<html>report</html>", {chromium, 30});
  ASSERT_TRUE(pdf.ok()) << pdf.error();
  EXPECT_EQ(*pdf, "%PDF-1.7 fake");
  std::string argv = ReadText(args);
  for (const char* expected :
       {"--headless\n", "--no-pdf-header-footer\n", "--host-resolver-rules=MAP * ~NOTFOUND\n", "--user-data-dir=/"}) {
    EXPECT_NE(argv.find(expected), std::string::npos) << expected << " in\n" << argv;
  }
  size_t page = argv.find("file:///");
  ASSERT_NE(page, std::string::npos);
  fs::path html = argv.substr(page + 7, argv.find('\n', page) - page - 7);
  EXPECT_EQ(html.filename(), "report.html");
  EXPECT_FALSE(fs::exists(html.parent_path())) << "the private folder is gone with its profile";
}

TEST(PdfTest, AChromiumThatHangsIsEndedAtTheTimeout) {
  ScopedTempDir dir;
  Result<std::string> pdf = RenderPdf("<html></html>", {FakeChromium(dir, "sleep 30\n"), 1});
  ASSERT_FALSE(pdf.ok());
  EXPECT_NE(pdf.error().find("did not finish in 1 s"), std::string::npos) << pdf.error();
}

TEST(PdfTest, AChromiumThatFailsOrWritesNoPdfIsQuoted) {
  ScopedTempDir dir;
  Result<std::string> failed =
      RenderPdf("<html></html>", {FakeChromium(dir, "echo 'cannot open display' >&2\nexit 21\n"), 30});
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().find("exited with 21: cannot open display"), std::string::npos) << failed.error();
  Result<std::string> silent = RenderPdf("<html></html>", {FakeChromium(dir, "echo 'did nothing' >&2\n"), 30});
  ASSERT_FALSE(silent.ok());
  EXPECT_NE(silent.error().find("wrote no PDF: did nothing"), std::string::npos) << silent.error();
}

}  // namespace
}  // namespace repro
