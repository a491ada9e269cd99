// Whether to colour output: only on a terminal, never with NO_COLOR set (no-color.org).
#pragma once

namespace repro {

bool ShouldUseColor(int fd);

}  // namespace repro
