// ProgressBar: silent off a terminal and for small transfers; when drawing,
// throttled redraws and a final line with percent, MiB and MiB/s.
#include "client/progress.h"

#include <cstdio>
#include <string>

#include "gtest/gtest.h"

namespace tensord::client {
namespace {

std::string Contents(FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buf[256];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}

TEST(ProgressBarTest, SilentWhenNotATerminal) {
  FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressBar bar("x", int64_t{64} << 20, f);
    EXPECT_FALSE(bar.drawing());
    bar.Update(int64_t{32} << 20);
    bar.Finish();
  }
  EXPECT_EQ(Contents(f), "");
  std::fclose(f);
}

TEST(ProgressBarTest, DrawsThrottledAndFinishes) {
  FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  const int64_t total = int64_t{64} << 20;
  {
    ProgressBar bar("x.npy", total, f, /*draw=*/true);
    EXPECT_TRUE(bar.drawing());
    bar.Update(total / 2);  // the first update draws
    bar.Update(total / 4);  // within 100 ms: throttled
    bar.Update(total);      // throttled too
    bar.Finish();           // draws the final state and ends the line
    bar.Finish();           // no-op
  }
  const std::string out = Contents(f);
  EXPECT_NE(out.find("\rx.npy   50%  32.0/64.0 MiB  "), std::string::npos)
      << out;
  EXPECT_EQ(out.find(" 25%"), std::string::npos) << out;
  EXPECT_NE(out.find("\rx.npy  100%  64.0/64.0 MiB  "), std::string::npos)
      << out;
  EXPECT_NE(out.find(" MiB/s"), std::string::npos) << out;
  EXPECT_EQ(out.back(), '\n');
  EXPECT_EQ(out.find('\n'), out.size() - 1);  // one line, redrawn in place
  std::fclose(f);
}

TEST(ProgressBarTest, EndsTheLineIfNotFinished) {
  FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  { ProgressBar("y", 100, f, /*draw=*/true).Update(10); }
  const std::string out = Contents(f);
  EXPECT_NE(out.find("10%"), std::string::npos) << out;
  EXPECT_EQ(out.back(), '\n');
  std::fclose(f);
}

}  // namespace
}  // namespace tensord::client
