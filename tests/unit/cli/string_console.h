// A Console over string streams, so a command's output and errors can be read back.
#pragma once

#include <sstream>
#include <string>

#include "harness/cli/console.h"

namespace repro::cli::testing {

class StringConsole {
 public:
  const Console& console() const { return console_; }
  std::string out() const { return out_.str(); }
  std::string err() const { return err_.str(); }

 private:
  std::ostringstream out_, err_;
  Console console_{out_, err_};
};

}  // namespace repro::cli::testing
