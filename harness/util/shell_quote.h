// The one shell quoter: arguments written so that a POSIX shell reads each back as the same
// single word (batch scripts, `sh -c` commands, lines a person pastes into a terminal).
#pragma once

#include <string>
#include <vector>

namespace repro {

// "value" as one single-quoted word: 'it'\''s'.
std::string ShellQuote(const std::string& value);

// "arg" as it is when no shell gives any of its characters a meaning (letters, digits and
// _-./=:,+@%), else ShellQuote(arg).
std::string ShellWord(const std::string& arg);

// "argv" as one line a person can paste into a POSIX shell: arguments quoted only when needed.
std::string ShellCommandLine(const std::vector<std::string>& argv);

}  // namespace repro
