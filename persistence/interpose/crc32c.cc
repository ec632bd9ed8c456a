#include "persistence/interpose/crc32c.h"

#include <atomic>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

// `uint32_t rocksdb::crc32c::Extend(uint32_t, const char*, size_t)` is, mangled,
// _ZN7rocksdb6crc32c6ExtendEjPKcm. With `--wrap=<that name>` (persistence/CMakeLists.txt) the
// linker sends every call the program's objects (RocksDB's included) make to it to
// __wrap_<name>, defined at the end of this file, and __real_<name> names the library's own.
extern "C" {
std::uint32_t __real__ZN7rocksdb6crc32c6ExtendEjPKcm(std::uint32_t crc, const char* data,
                                                     std::size_t n);
std::uint32_t __wrap__ZN7rocksdb6crc32c6ExtendEjPKcm(std::uint32_t crc, const char* data,
                                                     std::size_t n);
}

namespace weft::rocks {
namespace {

using ExtendFunction = std::uint32_t (*)(std::uint32_t, const char*, std::size_t);

std::atomic<std::uint64_t> rocksdb_calls{0};

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) std::uint32_t HardwareExtend(std::uint32_t crc, const char* data,
                                                               std::size_t n) {
  std::uint64_t l = ~crc;
  for (; n >= 8; data += 8, n -= 8) {
    std::uint64_t word;
    std::memcpy(&word, data, sizeof word);
    l = _mm_crc32_u64(l, word);
  }
  auto tail = static_cast<std::uint32_t>(l);
  for (; n > 0; ++data, --n) tail = _mm_crc32_u8(tail, static_cast<unsigned char>(*data));
  return ~tail;
}
#endif

ExtendFunction Chosen() {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("sse4.2")) return HardwareExtend;
#endif
  return RocksDbOwnCrc32cExtend;
}

}  // namespace

std::uint32_t Crc32cExtend(std::uint32_t crc, const char* data, std::size_t n) {
  static const ExtendFunction kChosen = Chosen();
  return kChosen(crc, data, n);
}

bool Crc32cUsesHardware() { return Chosen() != RocksDbOwnCrc32cExtend; }

std::uint32_t RocksDbOwnCrc32cExtend(std::uint32_t crc, const char* data, std::size_t n) {
  return __real__ZN7rocksdb6crc32c6ExtendEjPKcm(crc, data, n);
}

std::uint64_t RocksDbCrc32cCalls() { return rocksdb_calls.load(std::memory_order_relaxed); }

}  // namespace weft::rocks

// RocksDB checksums a WAL record a fragment (up to 32 KiB) at a time: the count costs nothing
// beside the checksum.
std::uint32_t __wrap__ZN7rocksdb6crc32c6ExtendEjPKcm(std::uint32_t crc, const char* data,
                                                     std::size_t n) {
  weft::rocks::rocksdb_calls.fetch_add(1, std::memory_order_relaxed);
  return weft::rocks::Crc32cExtend(crc, data, n);
}
