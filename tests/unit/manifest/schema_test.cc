// docs/manifest.schema.json, the JSON Schema editors use to complete and check manifests,
// agrees with the parser: every manifest the project ships validates, and on the fixtures
// (and on manifests with a misspelt key) schema and parser accept and refuse the same.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "harness/manifest/parser.h"
#include "tests/test_util.h"

namespace repro {
namespace {

namespace fs = std::filesystem;

// "OK" or the first schema error of each file, one line each, from python3's jsonschema.
std::map<std::string, std::string> SchemaVerdicts(const std::vector<fs::path>& files, const fs::path& scratch) {
  std::string script =
      "import json, sys, yaml, jsonschema\n"
      "v = jsonschema.Draft7Validator(json.load(open(sys.argv[1])))\n"
      "jsonschema.Draft7Validator.check_schema(v.schema)\n"
      "for f in sys.argv[2:]:\n"
      "    errors = list(v.iter_errors(yaml.safe_load(open(f))))\n"
      "    print(f + '\\t' + ('OK' if not errors else errors[0].message.replace('\\n', ' ')))\n";
  testing::WriteText(scratch / "check.py", script);
  std::string command =
      "python3 " + (scratch / "check.py").string() + " " + REPRO_SOURCE_DIR + "/docs/manifest.schema.json";
  for (const fs::path& file : files) command += " '" + file.string() + "'";
  command += " > " + (scratch / "verdicts.tsv").string() + " 2>&1";
  EXPECT_EQ(std::system(command.c_str()), 0) << testing::ReadText(scratch / "verdicts.tsv");
  std::map<std::string, std::string> verdicts;
  std::ifstream in(scratch / "verdicts.tsv");
  for (std::string line; std::getline(in, line);) {
    size_t tab = line.find('\t');
    if (tab != std::string::npos) verdicts[line.substr(0, tab)] = line.substr(tab + 1);
  }
  return verdicts;
}

bool HasJsonschema() { return std::system("python3 -c 'import yaml, jsonschema' >/dev/null 2>&1") == 0; }

TEST(ManifestSchemaTest, AgreesWithTheParserOnEveryShippedManifestAndFixture) {
  REPRO_REQUIRE(HasJsonschema(), "python3-jsonschema and python3-yaml");
  testing::ScopedTempDir scratch;
  std::vector<fs::path> files;
  for (const char* folder : {"experiments", "tests/fixtures"}) {
    for (const auto& entry : fs::recursive_directory_iterator(fs::path(REPRO_SOURCE_DIR) / folder)) {
      if (entry.path().extension() == ".yaml" && entry.path().parent_path().filename() != "slurm")
        files.push_back(entry.path());
    }
  }
  // Misspelt keys at each level: the parser refuses them, and so must an editor.
  const std::vector<std::pair<std::string, std::string>> typos = {
      {"year: 2024,", "year: 2024, yaer: 2020,"},
      {"experiment: crash, metric: acc,", "experiment: crash, metric: acc, tolerence: {abs: 1},"},
      {"metrics: {acc: {file:", "metrics: {acc2: {stdout: 'a', scael: 1}, acc: {file:"}};
  std::string toy = testing::ReadText(fs::path(REPRO_SOURCE_DIR) / "tests/fixtures/toy/toy.yaml");
  for (size_t i = 0; i < typos.size(); ++i) {
    std::string text = toy;
    size_t at = text.find(typos[i].first);
    ASSERT_NE(at, std::string::npos) << typos[i].first;
    text.replace(at, typos[i].first.size(), typos[i].second);
    files.push_back(scratch / ("typo-" + std::to_string(i) + ".yaml"));
    testing::WriteText(files.back(), text);
  }
  fs::create_symlink(fs::path(REPRO_SOURCE_DIR) / "tests/fixtures/toy/code", scratch / "code");  // toy.yaml's source
  std::map<std::string, std::string> verdicts = SchemaVerdicts(files, scratch.path());
  int shipped = 0;
  for (const fs::path& file : files) {
    bool parser_ok = LoadManifest(file.string()).ok();
    ASSERT_TRUE(verdicts.count(file.string())) << file;
    bool schema_ok = verdicts[file.string()] == "OK";
    EXPECT_EQ(schema_ok, parser_ok) << file << ": schema says " << verdicts[file.string()];
    if (file.string().find("/experiments/") != std::string::npos) {
      EXPECT_TRUE(schema_ok) << file;
      ++shipped;
    }
  }
  EXPECT_GE(shipped, 2);
}

}  // namespace
}  // namespace repro
