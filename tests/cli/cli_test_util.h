#pragma once
// Running the weft binary from CLI tests: exit code, stdout and stderr, and JSON-lines parsing.
// WEFT_BINARY is a compile definition of the cli test binary.

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace weft::clitest {

struct RunResult {
  int code = -1;
  std::string out;
  std::string err;
};

// Runs `weft <args>` (args are shell-quoted by the caller) and captures its output.
inline RunResult Weft(const std::string& args) {
  static int counter = 0;
  const std::string err_file =
      (std::filesystem::temp_directory_path() /
       ("weft-cli-err-" + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
          .string();
  const std::string cmd = std::string(WEFT_BINARY) + " " + args + " 2>" + err_file;
  RunResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_file);
  std::stringstream ss;
  ss << err.rdbuf();
  r.err = ss.str();
  std::filesystem::remove(err_file);
  return r;
}

inline std::vector<nlohmann::json> JsonLines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

}  // namespace weft::clitest
