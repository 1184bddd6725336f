#include "common/datetime.h"

#include <gtest/gtest.h>

namespace freshet::datetime {
namespace {

TEST(DatetimeTest, Smoke) { EXPECT_EQ(FormatDate(*ParseDate("2024-01-02")), "2024-01-02"); }

}  // namespace
}  // namespace freshet::datetime
