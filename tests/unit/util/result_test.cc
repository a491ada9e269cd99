#include "harness/util/result.h"

#include <gtest/gtest.h>

#include <string>

namespace repro {
namespace {

Result<int> Missing() { return Error::NotFound("no such thing"); }

TEST(ResultTest, AnErrorMadeFromAMessageIsAPlainFailure) {
  Result<int> failed = Error{"broken"};
  EXPECT_EQ(failed.error(), "broken");
  EXPECT_EQ(failed.failure().code, ErrorCode::kFailed);
  EXPECT_FALSE(failed.IsNotFound());
  EXPECT_FALSE(failed.IsUnavailable());
  Result<int> fine = 3;
  EXPECT_FALSE(fine.IsNotFound()) << "a value is no error of any kind";
}

TEST(ResultTest, CodesAreTestedAndPassedOnWithTheMessage) {
  Result<int> missing = Missing();
  EXPECT_TRUE(missing.IsNotFound());
  Status passed_on = missing.failure();
  EXPECT_TRUE(passed_on.IsNotFound());
  EXPECT_EQ(passed_on.error(), "no such thing");
  Result<std::string> again = passed_on.failure();
  EXPECT_TRUE(again.IsNotFound());
  EXPECT_TRUE(Status(Error::Unavailable("no accounting")).IsUnavailable());
  EXPECT_TRUE(Status::Ok().ok());
  EXPECT_FALSE(Status::Ok().IsNotFound());
}

}  // namespace
}  // namespace repro
