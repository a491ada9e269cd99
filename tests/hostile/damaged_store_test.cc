// A store damaged on disk (a bad sector, a half-copied file, a forged bundle database): the
// Store does not read every page when it opens (that cost a lab's store more than a whole
// `repro compare`), so the damage must be reported where a read meets it, as damage, with
// what to do, and never crash or read garbage as results.
#include <gtest/gtest.h>

#include <fstream>

#include "harness/store/store.h"
#include "tests/test_util.h"

namespace repro {
namespace {

using testing::ScopedTempDir;

constexpr int kRuns = 300;  // enough rows for the attempts table to span many pages

void FillStore(const std::filesystem::path& db) {
  Result<std::unique_ptr<Store>> store = Store::Open(db);
  ASSERT_TRUE(store.ok()) << store.error();
  for (int i = 0; i < kRuns; ++i) {
    std::string key = "run-" + std::to_string(i);
    ASSERT_TRUE((*store)->RecordRun({key, "e", "e seed " + std::to_string(i), "{}", i}).ok());
    Result<AttemptRecord> attempt = (*store)->BeginAttempt(key, "/results/" + key + "/attempt-1");
    ASSERT_TRUE(attempt.ok()) << attempt.error();
  }
}

// Overwrites every page after the first two (the header and schema) with bytes no page holds.
void DamagePages(const std::filesystem::path& db) {
  auto size = static_cast<std::streamoff>(std::filesystem::file_size(db));
  std::fstream file(db, std::ios::in | std::ios::out | std::ios::binary);
  constexpr std::streamoff kPage = 4096;
  for (std::streamoff at = 2 * kPage; at < size; at += kPage) {
    file.seekp(at);
    std::string junk(kPage, '\xA5');
    file.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
}

// Reads every run's attempts; the first error, or empty.
std::string FirstReadError(Store& store) {
  for (int i = 0; i < kRuns; ++i) {
    Result<std::vector<AttemptRecord>> attempts = store.Attempts("run-" + std::to_string(i));
    if (!attempts) return attempts.error();
    if (attempts->size() != 1) return "run-" + std::to_string(i) + " came back with a wrong attempt count";
  }
  return "";
}

TEST(DamagedStoreTest, DamageIsReportedWhereAReadMeetsIt) {
  ScopedTempDir dir;
  std::filesystem::path db = dir / "repro.db";
  FillStore(db);
  {
    Result<std::unique_ptr<Store>> intact = Store::OpenReadOnly(db);
    ASSERT_TRUE(intact.ok()) << intact.error();
    ASSERT_EQ(FirstReadError(**intact), "") << "the undamaged store reads back whole";
  }
  std::filesystem::remove(db.string() + "-wal");
  std::filesystem::remove(db.string() + "-shm");
  DamagePages(db);
  for (bool read_only : {true, false}) {
    Result<std::unique_ptr<Store>> store = read_only ? Store::OpenReadOnly(db) : Store::Open(db);
    std::string error = store.ok() ? FirstReadError(**store) : store.error();
    ASSERT_FALSE(error.empty()) << "damaged pages read as results (read-only: " << read_only << ")";
    EXPECT_NE(error.find("damaged"), std::string::npos) << error;
    EXPECT_NE(error.find("restore it from a backup or move it aside"), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace repro
