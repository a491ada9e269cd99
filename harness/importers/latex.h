// Reads the result tables of a paper's LaTeX source: the tables as the paper prints them
// (caption, label, header, rows, cells), with each numeric cell's number exactly as printed,
// its ± and its unit. Paper sources come from strangers: \input stays beneath the source's
// folder, nesting and macro expansion are bounded, and what cannot be read is named with its
// file and line rather than guessed.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/util/result.h"

namespace repro {

// A number as a table cell prints it: "93.20", "$93.2 \pm 0.1$", "71.3\%", "\textbf{0.87}".
struct CellNumber {
  std::string text;  // the number as printed, digits kept ("93.20")
  double value = 0;
  std::string std_text;  // the ± part as printed, empty when none
  bool percent = false;  // a % in the cell
};

struct LatexCell {
  std::string text;  // without formatting commands, math delimiters or colours
  bool bold = false;
  std::optional<CellNumber> number;
  int span = 1;  // columns a \multicolumn covers (its text stands in each of them)
};

struct LatexTable {
  int number = 0;                    // position among the document's tables (table, table*, captioned longtable)
  std::string label;                 // \label{...}
  std::string caption;               // plain text
  std::string where;                 // "paper.tex:120"
  std::vector<std::string> columns;  // one per data column: its header cells joined with " / ", arrows removed
  std::vector<std::string> better;   // per column: "higher" (↑, "higher is better"), "lower" (↓) or ""
  std::string label_column;          // the header of the row labels ("Method")
  struct Row {
    std::string label;  // its label cells joined with " / " (a \multirow label carried down)
    std::string where;
    std::vector<LatexCell> cells;  // one per column of "columns"
    int tabular = 1;               // which tabular of its float it is in (a float of subtables has several)
  };
  std::vector<Row> rows;
  std::vector<std::string> problems;  // "paper.tex:131: a row of 5 cells in a table of 4 columns"
};

struct LatexPaper {
  std::string title;
  std::vector<std::string> authors;
  std::vector<LatexTable> tables;
  std::vector<std::string> problems;  // what could not be read, each with its file and line
};

// Reads "path": a .tex file, or a folder holding the paper's source (its main file is the
// one with \documentclass). \input and \include are followed beneath that folder only, or
// beneath "within" when given (a source whose main file inputs ../shared/tables.tex).
Result<LatexPaper> ReadLatexPaper(const std::filesystem::path& path, const std::filesystem::path& within = {});

// The same over text already read ("name" for messages; \input is refused).
LatexPaper ParseLatexPaper(std::string_view text, const std::string& name);

// The number a cleaned cell holds, if it is one number (with an optional ± and %).
std::optional<CellNumber> ParseCellNumber(std::string_view cleaned);

}  // namespace repro
