// End-to-end: notebook experiments (tests/fixtures/notebooks) run headless through repro's
// runner (configs/notebook/run_notebook.py, nbclient): metrics read from the streamed cell
// output, a failing cell named with its error and its executed notebook kept, parameters
// injected after the cell tagged "parameters".
#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/test_util.h"

namespace repro {
namespace {

namespace fs = std::filesystem;
using testing::ReadText;
using testing::RunRepro;
using testing::ScopedTempDir;

bool HasNbclient() { return testing::DebianPythonImports("nbclient, nbformat, ipykernel"); }

// The executed notebooks an experiment's attempts left, found beneath its results folder.
std::vector<fs::path> ExecutedNotebooks(const fs::path& folder) {
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(folder, ec)) {
    if (entry.path().filename() == "notebook.ipynb" && entry.path().parent_path().filename() == "out")
      found.push_back(entry.path());
  }
  return found;
}

class NotebookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::copy(fs::path(REPRO_SOURCE_DIR) / "tests/fixtures/notebooks", dir_.path(), fs::copy_options::recursive);
  }
  ScopedTempDir dir_;
};

TEST_F(NotebookTest, RunsNotebooksWithMetricsAFailingCellAndInjectedParameters) {
  REPRO_REQUIRE(HasNbclient(),
                "/usr/bin/python3 with nbclient and ipykernel (Debian packages python3-nbclient, python3-ipykernel)");
  testing::CommandResult run = RunRepro({"run", "notebooks.yaml", "-j", "2", "--results", "results"}, dir_.path());
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;

  // The metrics notebook: its printed lines are read as any program's stdout.
  std::map<std::string, std::string> reasons = testing::ReasonsByClaim(run.out);
  EXPECT_NE(reasons["acc"].find("reproduced"), std::string::npos) << run.out;
  EXPECT_NE(reasons["failing"].find("1 of 1 runs did not finish: failing seed=0 failed (exit 1)"), std::string::npos)
      << run.out;

  // The failing notebook: the terminal names the cell, as written, and its error; the
  // executed notebook, with the traceback, stays in the attempt's folder.
  EXPECT_NE(run.err.find("repro-notebook: cell 7 (code cell 5) failed: ZeroDivisionError: division by zero"),
            std::string::npos)
      << run.err;
  std::vector<fs::path> failed = ExecutedNotebooks(dir_ / "results/notebooks/failing");
  ASSERT_EQ(failed.size(), 1u);
  nlohmann::json executed = nlohmann::json::parse(ReadText(failed.front()));
  const nlohmann::json& cell = executed["cells"][6];
  ASSERT_EQ(cell["outputs"].size(), 1u) << cell.dump();
  EXPECT_EQ(cell["outputs"][0]["ename"], "ZeroDivisionError");
  EXPECT_NE(executed["cells"][2]["outputs"].dump().find("before the failure"), std::string::npos);
  EXPECT_TRUE(executed["cells"][7]["outputs"].empty()) << "no cell runs after the failure";

  // The parameters notebook: the injected seed and scale change what it prints, and the
  // values are typed (a decimal number becomes a float, other text a string).
  SQLite::Database db((dir_ / "results/repro.db").string(), SQLite::OPEN_READONLY);
  SQLite::Statement query(db,
                          "SELECT r.seed, v.value, a.dir FROM metric_values v JOIN attempts a ON a.id = v.attempt_id "
                          "JOIN runs r ON r.key = a.run_key WHERE r.experiment = 'parameters' AND a.status = "
                          "'completed' ORDER BY r.seed");
  std::map<int, double> values;
  while (query.executeStep()) {
    int seed = query.getColumn(0).getInt();
    values[seed] = query.getColumn(1).getDouble();
    std::string out = ReadText(fs::path(query.getColumn(2).getString()) / "stdout.log");
    EXPECT_NE(out.find(fmt::format("label=run {} type=float", seed)), std::string::npos) << out;
  }
  ASSERT_EQ(values.size(), 2u);
  EXPECT_NE(values[1], values[2]);
  EXPECT_GT(values[1], 0);
  EXPECT_LT(values[1], 2.5);
  std::vector<fs::path> parameters = ExecutedNotebooks(dir_ / "results/notebooks/parameters");
  ASSERT_FALSE(parameters.empty());
  nlohmann::json injected = nlohmann::json::parse(ReadText(parameters.front()))["cells"][2];
  EXPECT_EQ(injected["metadata"]["tags"][0], "injected-parameters") << injected.dump();
}

}  // namespace
}  // namespace repro
