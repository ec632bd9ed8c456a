#pragma once
// ScratchDir: a fresh directory under the system's temporary directory for one benchmark's
// stores and files, removed with its contents when it goes. Shared by the micro benchmarks and
// `weft bench` (cli/bench_runner.cc).

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "model/status.h"

namespace weft::bench {

class ScratchDir {
 public:
  // weft_<name>_XXXXXX; IOError when it cannot be made.
  static Result<std::unique_ptr<ScratchDir>> Create(std::string_view name) {
    std::string path = Template(name);
    if (mkdtemp(path.data()) == nullptr)
      return Status::IOError("cannot create a temporary directory in " + path);
    std::unique_ptr<ScratchDir> dir(new ScratchDir());
    dir->path_ = std::move(path);
    return dir;
  }
  // The same for a micro benchmark, which cannot go on without one: aborts instead.
  explicit ScratchDir(std::string_view name) : path_(Template(name)) {
    if (mkdtemp(path_.data()) == nullptr) abort();
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
  ScratchDir() = default;
  static std::string Template(std::string_view name) {
    return (std::filesystem::temp_directory_path() / ("weft_" + std::string(name) + "_XXXXXX"))
        .string();
  }

  std::string path_;
};

}  // namespace weft::bench
