#include "common/decimal.h"

#include <gtest/gtest.h>

namespace freshet {
namespace {

TEST(DecimalTest, Smoke) { EXPECT_EQ(Decimal::Parse("1.5")->ToString(), "1.5"); }

}  // namespace
}  // namespace freshet
