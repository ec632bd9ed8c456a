#include "engine/internal/page_warmer.h"

#include <algorithm>
#include <cstdlib>
#include <system_error>

#include "engine/internal/huge_pages.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace weft::internal {
namespace {

thread_local PageWarmer* current_warmer = nullptr;

// Faults in [p, p + bytes) for writing without changing it. False where the kernel cannot.
bool Populate(void* p, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  return madvise(p, bytes, MADV_POPULATE_WRITE) == 0;
#else
  (void)p;
  (void)bytes;
  return false;
#endif
}

// Whether this kernel knows MADV_POPULATE_WRITE (Linux 5.14): an empty range is accepted then,
// and refused with EINVAL before.
bool CanPopulate() {
  static const bool can = Populate(nullptr, 0);
  return can;
}

}  // namespace

PageWarmer::PageWarmer(Options options) : options_(options) {}

bool PageWarmer::StartLocked() {
  if (!started_ && CanPopulate()) {
    started_ = true;
    try {
      thread_ = std::thread([this] { Loop(); });
    } catch (const std::system_error&) {
      // No thread to spare: the owner faults its memory in itself, as without a warmer.
    }
  }
  return thread_.joinable();
}

PageWarmer::~PageWarmer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (void* page : stock_) std::free(page);
}

void* PageWarmer::TakePage() {
  void* page = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!StartLocked()) return nullptr;
    stock_wanted_ = true;
    if (stock_.empty()) {
      wake_.notify_one();  // fill it, for the next page
      return nullptr;
    }
    page = stock_.back();
    stock_.pop_back();
    ++counters_.pages_taken;
  }
  wake_.notify_one();  // refill
  return page;
}

void PageWarmer::Warm(void* p, std::size_t bytes) {
  if (bytes == 0) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!StartLocked()) return;
    char* start = static_cast<char*>(p);
    queue_.push_back(Block{start, start + bytes, p});
  }
  wake_.notify_one();
}

void PageWarmer::Forget(const void* p) {
  std::lock_guard<std::mutex> lock(mu_);
  queue_.erase(
      std::remove_if(queue_.begin(), queue_.end(), [p](const Block& b) { return b.start == p; }),
      queue_.end());
}

bool PageWarmer::StockLow() const { return stock_wanted_ && stock_.size() < options_.stock_pages; }

PageWarmer::Counters PageWarmer::counters() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counters_;
}

void PageWarmer::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return stop_ || StockLow() || !queue_.empty(); });
    if (stop_) return;
    // The stock first: a page is taken when it is needed at once, a queued block is being
    // faulted in by its owner too.
    if (StockLow()) {
      lock.unlock();
      void* page = nullptr;
      try {
        page = AllocateHugeBlock(kHugePage);
      } catch (const std::bad_alloc&) {
        // Out of memory: leave the pages to be faulted in where they are used.
      }
      if (page != nullptr) Populate(page, kHugePage);
      lock.lock();
      if (page == nullptr) return;
      stock_.push_back(page);
      ++counters_.pages_warmed;
      continue;
    }
    Block& block = queue_.front();
    char* piece = block.next;
    const std::size_t size =
        std::min<std::size_t>(kHugePage, static_cast<std::size_t>(block.end - block.next));
    block.next += size;
    if (block.next == block.end) queue_.pop_front();
    lock.unlock();
    // A block freed meanwhile makes this fail (or fault in memory that is free again): harmless.
    Populate(piece, size);
    lock.lock();
    ++counters_.pages_warmed;
  }
}

PageWarmer::Scope::Scope(PageWarmer& warmer) : previous_(current_warmer) {
  current_warmer = &warmer;
}

PageWarmer::Scope::~Scope() { current_warmer = previous_; }

PageWarmer* PageWarmer::Current() { return current_warmer; }

}  // namespace weft::internal
