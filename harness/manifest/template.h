// Argument templates: "{name}" is replaced by a bound value inside one argv element; the
// result is never re-parsed or handed to a shell. "{{" and "}}" stand for literal braces.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/util/result.h"

namespace repro {

using Bindings = std::map<std::string, std::string>;

// The placeholder names in "text", in order; an error for an unbalanced brace or an
// empty or malformed name.
Result<std::vector<std::string>> TemplatePlaceholders(std::string_view text);

// "text" with every placeholder replaced; an error names the first unbound placeholder.
Result<std::string> ExpandTemplate(std::string_view text, const Bindings& bindings);

}  // namespace repro
