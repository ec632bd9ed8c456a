#pragma once
// The weft command line: parses arguments and dispatches to one subcommand. Results go to
// stdout, progress and errors to stderr. Exit codes: 0 success, 1 some input rejected or the
// command failed, 2 usage error.

namespace weft::cli {

int Run(int argc, char** argv);

}  // namespace weft::cli
