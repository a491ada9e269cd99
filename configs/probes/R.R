# repro's R probe: the R version, platform, BLAS/LAPACK, and the versions of the packages the
# code loads (library(), require(), requireNamespace(), pkg::) and of common ones, as one JSON
# object like the Python probe's. Usage: Rscript R.R [CODE_DIR]
args <- commandArgs(trailingOnly = TRUE)
wanted <- c("stats", "Matrix", "MASS", "lme4", "glmnet", "randomForest", "caret", "xgboost", "data.table", "dplyr",
            "ggplot2", "survival", "mgcv", "torch", "keras", "tensorflow")
if (length(args) >= 1 && dir.exists(args[1])) {
  files <- list.files(args[1], pattern = "\\.[RrQq](md)?$", recursive = TRUE, full.names = TRUE)
  for (f in head(files, 5000)) {
    text <- tryCatch(readLines(f, warn = FALSE), error = function(e) character(0))
    calls <- regmatches(text, gregexpr("(library|require|requireNamespace)\\(\\s*['\"]?[A-Za-z][A-Za-z0-9.]*", text))
    names <- sub(".*\\(\\s*['\"]?", "", unlist(calls))
    colons <- sub("::.*", "", unlist(regmatches(text, gregexpr("[A-Za-z][A-Za-z0-9.]*::", text))))
    wanted <- c(wanted, names, colons)
  }
}
json <- function(x) paste0('"', gsub('(["\\\\])', '\\\\\\1', x), '"')
versions <- character(0)
for (p in sort(unique(wanted))) {
  v <- tryCatch(as.character(utils::packageVersion(p)), error = function(e) NA)
  if (!is.na(v)) versions <- c(versions, paste0(json(p), ": ", json(v)))
}
info <- sessionInfo()
blas <- c(if (!is.null(info$BLAS)) info$BLAS else "", if (!is.null(info$LAPACK)) info$LAPACK else "")
cat("{", json("implementation"), ": ", json("R"), ", ", json("version"), ": ", json(paste(R.version$major, R.version$minor, sep = ".")),
    ", ", json("platform"), ": ", json(R.version$platform), ", ", json("blas"), ": [", paste(json(blas[blas != ""]), collapse = ", "),
    "], ", json("packages"), ": {", paste(versions, collapse = ", "), "}}\n", sep = "")
