// Store::LatestAttempts reads the newest attempt of many runs together (a lab's 10,000 runs
// in two statements): it must give, key for key, what LatestAttempt gives one by one.
#include <gtest/gtest.h>

#include "harness/store/store.h"

namespace repro {
namespace {

std::unique_ptr<Store> OpenMemoryStore() {
  Result<std::unique_ptr<Store>> store = Store::Open(":memory:");
  EXPECT_TRUE(store.ok()) << store.error();
  return std::move(store).value();
}

// Records run "key" with "attempts" attempts, each ended as "status" with one metric "acc"
// worth its attempt number.
void AddRun(Store& store, const std::string& key, int attempts, AttemptStatus status) {
  ASSERT_TRUE(store.RecordRun({key, "e", key, "{}", 0}).ok());
  for (int n = 1; n <= attempts; ++n) {
    Result<AttemptRecord> attempt = store.BeginAttempt(key, "/results/" + key + "/attempt-" + std::to_string(n));
    ASSERT_TRUE(attempt.ok()) << attempt.error();
    attempt->status = status;
    attempt->exit_code = 0;
    attempt->metrics = {MetricRecord{"acc", static_cast<double>(n), std::nullopt, ValueFlag::kOk, "", "", 1},
                        MetricRecord{"loss", 1.0 / n, std::nullopt, ValueFlag::kOk, "", "", 1}};
    ASSERT_TRUE(store.FinishAttempt(*attempt).ok());
  }
}

TEST(LatestAttemptsTest, GivesWhatLatestAttemptGivesKeyForKey) {
  std::unique_ptr<Store> store = OpenMemoryStore();
  AddRun(*store, "once", 1, AttemptStatus::kCompleted);
  AddRun(*store, "retried", 3, AttemptStatus::kFailed);
  AddRun(*store, "other-manifest", 1, AttemptStatus::kCompleted);
  // Asked in any order, with a key never run and a key asked twice.
  std::vector<std::string> keys = {"retried", "never", "once", "retried"};
  Result<std::vector<std::optional<AttemptRecord>>> together = store->LatestAttempts(keys);
  ASSERT_TRUE(together.ok()) << together.error();
  ASSERT_EQ(together->size(), keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    Result<std::optional<AttemptRecord>> alone = store->LatestAttempt(keys[i]);
    ASSERT_TRUE(alone.ok()) << alone.error();
    ASSERT_EQ((*together)[i].has_value(), alone->has_value()) << keys[i];
    if (!*alone) continue;
    const AttemptRecord& a = *(*together)[i];
    const AttemptRecord& b = **alone;
    EXPECT_EQ(a.id, b.id) << keys[i];
    EXPECT_EQ(a.run_key, keys[i]);
    EXPECT_EQ(a.number, b.number) << keys[i];
    EXPECT_EQ(a.status, b.status) << keys[i];
    EXPECT_EQ(a.dir, b.dir) << keys[i];
    ASSERT_EQ(a.metrics.size(), 2u) << keys[i];
    EXPECT_EQ(a.metrics[0].name, "acc");
    EXPECT_EQ(a.metrics[0].value, b.metrics[0].value) << keys[i];
    EXPECT_EQ(a.metrics[1].name, "loss");
  }
  EXPECT_EQ((*together)[0]->number, 3) << "the newest of three attempts";
  EXPECT_EQ((*together)[0]->metrics[0].value, 3.0) << "with its own metrics, not an older attempt's";
  EXPECT_FALSE((*together)[1].has_value()) << "a key never run has no attempt";
  EXPECT_TRUE(store->LatestAttempts({})->empty());
}

}  // namespace
}  // namespace repro
