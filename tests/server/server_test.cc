// placeholder
#include "gtest/gtest.h"
#include "tests/server/test_util.h"
TEST(Placeholder, Builds) { SUCCEED(); }
