#pragma once
// SciPy's batch connected-components job on `weft bench`'s id stream: the issue's "at least 1.5x
// SciPy's batch job" measured on the same machine in the same run. The stream is written to a
// file, and bench/scipy_components.py (run by a Python with NumPy and SciPy) times its jobs from
// the loaded arrays to the components: the plain bipartite components (the reference row's job)
// and the windowed ones (the union-find floor's job, whose count must equal the floor's).
// Private to cli/.

#include <cstddef>
#include <string>

#include "cli/bench_stages.h"
#include "model/status.h"
#include "model/time.h"

namespace weft::cli::bench_internal {

struct ScipyRun {
  std::size_t alerts = 0;
  double seconds = 0;  // the plain job
  std::size_t components = 0;
  double window_seconds = 0;  // the windowed job
  std::size_t window_components = 0;
  double peak_rss_mb = 0;  // the Python process's
};

// Writes `ids` with the link window (ms) in the format the script reads (its docstring).
Status WriteIdStream(const IdStream& ids, Timestamp window, const std::string& path);

// Runs the script on a file WriteIdStream made. NotFound when no Python with NumPy and SciPy is
// there (the reason says how to get one); Internal when the script fails or prints no figures.
// The interpreter is $WEFT_PYTHON, else Debian's /usr/bin/python3 (where python3-scipy installs),
// else python3 on the PATH.
Result<ScipyRun> RunScipyBaseline(const std::string& ids_file);

}  // namespace weft::cli::bench_internal
