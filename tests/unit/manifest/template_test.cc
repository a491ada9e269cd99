#include "harness/manifest/template.h"

#include <gtest/gtest.h>

namespace repro {
namespace {

TEST(TemplateTest, SubstitutesInsideOneArgument) {
  Bindings bindings = {{"seed", "3"}, {"lr", "0.01"}};
  EXPECT_EQ(*ExpandTemplate("--lr={lr}", bindings), "--lr=0.01");
  EXPECT_EQ(*ExpandTemplate("run-{seed}-{lr}", bindings), "run-3-0.01");
  EXPECT_EQ(*ExpandTemplate("{{literal}} {seed}", bindings), "{literal} 3");
}

TEST(TemplateTest, ValuesAreNeverReinterpreted) {
  // A value that looks like a shell command or a placeholder stays exactly itself.
  Bindings bindings = {{"x", "1; touch /tmp/pwned $(id) {seed}"}, {"seed", "0"}};
  EXPECT_EQ(*ExpandTemplate("{x}", bindings), "1; touch /tmp/pwned $(id) {seed}");
}

TEST(TemplateTest, ErrorsNameTheProblem) {
  EXPECT_EQ(ExpandTemplate("{nope}", {}).error(), "unknown placeholder '{nope}'");
  EXPECT_EQ(TemplatePlaceholders("a{b").error(), "unbalanced '{' at position 2 (write '{{' for a literal brace)");
  EXPECT_EQ(TemplatePlaceholders("a}b").error(), "unbalanced '}' at position 2 (write '}}' for a literal brace)");
  EXPECT_EQ(TemplatePlaceholders("{a b}").error(), "'{a b}' is not a placeholder: names are letters, digits and '_'");
  EXPECT_EQ(*TemplatePlaceholders("{a}-{b_2}"), (std::vector<std::string>{"a", "b_2"}));
}

}  // namespace
}  // namespace repro
