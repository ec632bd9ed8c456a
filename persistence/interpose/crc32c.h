#pragma once
// CRC-32C for RocksDB's write-ahead log, computed with the CPU's crc32 instruction.
//
// RocksDB checksums every WAL record with CRC-32C through `rocksdb::crc32c::Extend`. Debian's
// librocksdb is built for any x86-64, without SSE 4.2, so that function runs a table-driven
// loop: 12% of the committing thread's CPU in a durable ingest (docs/benchmarks.md, round 18).
// weft links RocksDB statically and asks the linker to send the library's calls of Extend to
// crc32c.cc instead (`--wrap`, ADR 0011), which uses the crc32 instruction when the CPU has it
// and RocksDB's own code when it does not.

#include <cstddef>
#include <cstdint>

namespace weft::rocks {

// The CRC-32C of the bytes whose CRC-32C is `crc` followed by `data[0, n)`: RocksDB's
// crc32c::Extend contract (Extend(0, d, n) is the CRC-32C of d).
std::uint32_t Crc32cExtend(std::uint32_t crc, const char* data, std::size_t n);

// True when Crc32cExtend uses the crc32 instruction (an x86-64 CPU with SSE 4.2).
bool Crc32cUsesHardware();

// RocksDB's own crc32c::Extend, as the library computes it (for tests).
std::uint32_t RocksDbOwnCrc32cExtend(std::uint32_t crc, const char* data, std::size_t n);

// How many times RocksDB's code has called its crc32c::Extend in this process, all of which
// Crc32cExtend answered: zero after a write means the link did not wrap the library's calls.
std::uint64_t RocksDbCrc32cCalls();

}  // namespace weft::rocks
