// libFuzzer target for the importers: feeds the input bytes to Importer::ImportText once with
// format detection ("auto") and once with each format forced. Any crash, sanitizer report or
// non-OK Status from ImportText/Flush (bad records must be rejects, not errors) is a finding.
// Single-threaded, as libFuzzer calls it.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "importers/importer.h"

namespace {

class DiscardSink : public weft::ImportSink {
 public:
  weft::Status Consume(weft::ImportBatch batch) override { return weft::Status::Ok(); }
};

void Run(std::string_view text, const std::string& format) {
  weft::ImportOptions options;
  options.format = format;
  options.default_tenant = "fuzz";
  options.min_severity = weft::Severity::kInformational;
  options.max_field_bytes = 1 << 16;
  options.max_record_bytes = 1 << 20;
  options.batch_size = 16;
  auto importer = weft::Importer::Create(options);
  if (!importer.ok()) std::abort();
  DiscardSink sink;
  if (!(*importer)->ImportText(text, "fuzz", sink).ok()) std::abort();
  if (!(*importer)->Flush(sink).ok()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<std::string> kFormats = [] {
    std::vector<std::string> f = {"auto"};
    for (const std::string& n : weft::FormatNames()) f.push_back(n);
    return f;
  }();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const std::string& format : kFormats) Run(text, format);
  return 0;
}
