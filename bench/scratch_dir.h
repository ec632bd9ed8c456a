#pragma once
// ScratchDir: a fresh directory under the system's temporary directory for one benchmark's
// store, removed with its contents when the benchmark ends. Shared by the store benchmarks.

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace weft::bench {

class ScratchDir {
 public:
  // `name` prefixes the directory's name (weft_<name>_XXXXXX); aborts when none can be made.
  explicit ScratchDir(std::string_view name) {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / ("weft_" + std::string(name) + "_XXXXXX"))
            .string();
    if (mkdtemp(tmpl.data()) == nullptr) abort();
    path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string store() const { return path_ + "/store"; }

 private:
  std::string path_;
};

}  // namespace weft::bench
