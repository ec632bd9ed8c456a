#pragma once
// PageWarmer: faults in the engine's fresh huge-page memory on a second thread, so the thread
// that fills the tables does not stop to have the kernel zero them. On the paravirtualised VMs
// weft is measured on, a first touch costs 0.06 ms a megabyte, or 1.5-2 ms when the hypervisor
// must back the memory anew, and a 1M-alert replay touches ~400 MB: a third of its critical path
// was the fault path (docs/benchmarks.md, round 18) while the second core idled half the time.
//
// While a PageWarmer::Scope is open on a thread, AllocateHuge (huge_pages.h) on that thread
//  - takes a single huge page from a small stock the warmer keeps faulted in (the paged arrays,
//    string arenas and posting pools grow a page at a time), and
//  - hands a larger block (a reserved table) to the warmer, which faults it in, 2 MiB at a time,
//    while the owner starts using it; whichever touches a page first pays for it once.
// Faulting in uses madvise(MADV_POPULATE_WRITE), which never changes memory contents: racing the
// owner's writes is safe, and a block freed before its turn only makes the call fail, which is
// ignored (FreeHuge also drops it from the queue). Where the kernel lacks it (before Linux 5.14),
// or no thread can be started, the warmer does nothing and memory is faulted in on first touch
// as before.
//
// Thread-safety: every member is safe to call from any thread. A Scope belongs to the thread
// that opened it and must close before the warmer is destroyed.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace weft::internal {

class PageWarmer {
 public:
  struct Options {
    // Faulted-in single huge pages kept ready for TakePage; default 8 (16 MiB).
    std::size_t stock_pages = 8;
  };

  // What the warmer has done; for tests and benchmarks.
  struct Counters {
    std::uint64_t pages_warmed = 0;  // 2 MiB pieces faulted in (stock pages included)
    std::uint64_t pages_taken = 0;   // stock pages handed out by TakePage
  };

  PageWarmer() : PageWarmer(Options{}) {}
  explicit PageWarmer(Options options);
  // Stops the thread and frees the stock; blocks still queued are left as they are.
  ~PageWarmer();
  PageWarmer(const PageWarmer&) = delete;
  PageWarmer& operator=(const PageWarmer&) = delete;

  // A 2 MiB-aligned huge page already faulted in (release with std::free), or nullptr when the
  // stock is empty. The stock is filled from the first call on.
  void* TakePage();
  // Queues [p, p + bytes) to be faulted in. `p` stays owned by the caller.
  void Warm(void* p, std::size_t bytes);
  // Drops a queued block that is about to be freed; a piece being faulted in finishes.
  void Forget(const void* p);

  Counters counters() const;

  // Opens on construction and closes on destruction: while open, AllocateHuge on this thread
  // uses `warmer`. Scopes nest; the innermost wins.
  class Scope {
   public:
    explicit Scope(PageWarmer& warmer);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    PageWarmer* previous_;
  };

  // The warmer of this thread's innermost open Scope, or nullptr.
  static PageWarmer* Current();

 private:
  struct Block {
    char* next;  // the first byte not yet faulted in
    char* end;
    const void* start;  // as queued, for Forget
  };

  // Starts the thread on first use (an engine that never allocates a huge page has none); false
  // where the kernel cannot fault memory in ahead.
  bool StartLocked();
  bool StockLow() const;  // the stock is in use and below its size; mu_ held
  void Loop();

  const Options options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Block> queue_;    // guarded by mu_
  std::vector<void*> stock_;   // guarded by mu_
  Counters counters_;          // guarded by mu_
  bool stop_ = false;          // guarded by mu_
  bool started_ = false;       // guarded by mu_
  bool stock_wanted_ = false;  // TakePage was called; guarded by mu_
  std::thread thread_;
};

}  // namespace weft::internal
