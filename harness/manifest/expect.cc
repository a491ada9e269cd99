#include "harness/manifest/expect.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "harness/util/text.h"

namespace repro {
namespace {

struct Token {
  enum Kind { kRef, kNumber, kOp, kPlus, kMinus, kSlash } kind;
  std::string text;
};

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

Result<std::vector<Token>> Tokenize(const std::string& text) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '>' || c == '<') {
      bool equal = i + 1 < text.size() && text[i + 1] == '=';
      tokens.push_back({Token::kOp, std::string(1, c) + (equal ? "=" : "")});
      i += equal ? 2 : 1;
    } else if (c == '+' || c == '/' || c == '-') {
      tokens.push_back({c == '+' ? Token::kPlus : c == '/' ? Token::kSlash : Token::kMinus, std::string(1, c)});
      ++i;
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      size_t start = i++;
      while (i < text.size() &&
             (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.' || text[i] == 'e' || text[i] == 'E' ||
              ((text[i] == '-' || text[i] == '+') && (text[i - 1] == 'e' || text[i - 1] == 'E')))) {
        ++i;
      }
      tokens.push_back({Token::kNumber, text.substr(start, i - start)});
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t start = i;
      while (i < text.size() && (IsWordChar(text[i]) || text[i] == '.')) ++i;
      std::string word = text.substr(start, i - start);
      if (std::count(word.begin(), word.end(), '.') != 1 || word.back() == '.') {
        return Error{fmt::format("'{}' should be experiment.metric", word)};
      }
      tokens.push_back({Token::kRef, word});
    } else {
      return Error{fmt::format("unexpected '{}' at position {}", c, i + 1)};
    }
  }
  return tokens;
}

MetricRef ToRef(const std::string& word) {
  size_t dot = word.find('.');
  return {word.substr(0, dot), word.substr(dot + 1)};
}

}  // namespace

const char* ComparisonOpText(Comparison::Op op) {
  switch (op) {
    case Comparison::Op::kGreater:
      return ">";
    case Comparison::Op::kGreaterEqual:
      return ">=";
    case Comparison::Op::kLess:
      return "<";
    case Comparison::Op::kLessEqual:
      return "<=";
  }
  return "?";
}

Result<Comparison> ParseComparison(const std::string& text) {
  const std::string forms =
      "write A.metric > B.metric [+ number], A.metric - B.metric > number, or A.metric / B.metric > number";
  Result<std::vector<Token>> tokens = Tokenize(text);
  if (!tokens) return Error{tokens.error() + "; " + forms};
  const std::vector<Token>& t = *tokens;
  auto op_at = std::find_if(t.begin(), t.end(), [](const Token& token) { return token.kind == Token::kOp; });
  if (op_at == t.end() || std::count_if(t.begin(), t.end(), [](const Token& k) { return k.kind == Token::kOp; }) != 1) {
    return Error{"needs exactly one of > >= < <=; " + forms};
  }
  std::vector<Token> left(t.begin(), op_at), right(op_at + 1, t.end());
  Comparison c;
  c.text = text;
  c.op = op_at->text == ">"    ? Comparison::Op::kGreater
         : op_at->text == ">=" ? Comparison::Op::kGreaterEqual
         : op_at->text == "<"  ? Comparison::Op::kLess
                               : Comparison::Op::kLessEqual;
  auto number = [](const Token& token) {
    return token.kind == Token::kNumber ? ParseDecimal(token.text) : std::nullopt;
  };
  auto is = [](const std::vector<Token>& side, std::initializer_list<Token::Kind> kinds) {
    if (side.size() != kinds.size()) return false;
    size_t i = 0;
    for (Token::Kind kind : kinds) {
      if (side[i++].kind != kind) return false;
    }
    return true;
  };
  if (is(left, {Token::kRef}) && is(right, {Token::kRef})) {
    c.left = ToRef(left[0].text);
    c.right = ToRef(right[0].text);
  } else if (is(left, {Token::kRef}) &&
             (is(right, {Token::kRef, Token::kPlus, Token::kNumber}) ||
              is(right, {Token::kRef, Token::kMinus, Token::kNumber})) &&
             number(right[2])) {
    c.left = ToRef(left[0].text);
    c.right = ToRef(right[0].text);
    c.constant = *number(right[2]) * (right[1].kind == Token::kMinus ? -1 : 1);
  } else if ((is(left, {Token::kRef, Token::kMinus, Token::kRef}) ||
              is(left, {Token::kRef, Token::kSlash, Token::kRef})) &&
             ((is(right, {Token::kNumber}) && number(right[0])) ||
              (is(right, {Token::kMinus, Token::kNumber}) && number(right[1])))) {
    c.left = ToRef(left[0].text);
    c.right = ToRef(left[2].text);
    c.form = left[1].kind == Token::kSlash ? Comparison::Form::kRatio : Comparison::Form::kDifference;
    c.constant = right.size() == 1 ? *number(right[0]) : -*number(right[1]);
  } else {
    return Error{forms};
  }
  if (c.left.experiment == c.right.experiment && c.left.metric == c.right.metric) {
    return Error{"compares " + c.left.ToString() + " with itself"};
  }
  return c;
}

}  // namespace repro
