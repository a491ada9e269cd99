// One escaping function per report format. Every string a report shows comes from the
// manifest, the store or released code and is treated as text: it goes through the function
// of its format wherever it appears (titles, cells, captions, comments, attributes), so no
// input can add markup, a link, a heading or a LaTeX command to a report.
#pragma once

#include <string>
#include <string_view>

namespace repro {

// HTML, SVG and XML text and double-quoted attribute values: &, <, > and " as entities after
// util's VisibleText (line breaks and tabs kept, for <pre>), so the result is also valid
// XML 1.0 (JUnit) whatever bytes the input had.
std::string HtmlText(std::string_view text);

// Markdown inline text, on one line: HTML-special characters as entities and the Markdown
// specials that make emphasis, code, links, tables or strikethrough backslash-escaped.
std::string MarkdownText(std::string_view text);

// A Markdown code span (`text`) on one line, fenced with more backticks than the text holds.
// "in_table": a "|" would end the table cell even inside the span, so it is escaped.
std::string MarkdownCode(std::string_view text, bool in_table = false);

// A fenced Markdown code block of "text" (several lines, a log tail or an environment):
// control characters made visible, line breaks kept, and a fence of more backticks than any
// run inside, so no line of the text can close the block early. Ends with a line break.
std::string MarkdownBlock(std::string_view text);

// LaTeX text on one line: a line break would end a % comment and start a live line, so every
// control character goes first; then each character TeX treats specially is spelled out.
std::string TexText(std::string_view text);

// A CSS string literal ("..." with its quotes) that shows "text" on one line, for a page
// header in @page: quotes, backslashes, angle brackets (</style>) and control characters as
// hexadecimal escapes, so no input can end the string, the rule or the style sheet.
std::string CssString(std::string_view text);

// Whether "url" may be a link in a report: http(s) only (never javascript:, data: or file:),
// printable ASCII without spaces, quotes or angle brackets. Anything else is shown as text.
bool IsWebLink(std::string_view url);

// "text" percent-encoded for the path of a URL repro builds (an arXiv id, a DOI): letters,
// digits, "-._~/:" stay.
std::string UrlPath(std::string_view text);

}  // namespace repro
