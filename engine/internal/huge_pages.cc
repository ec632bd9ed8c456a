#include "engine/internal/huge_pages.h"

#include "engine/internal/page_warmer.h"

namespace weft::internal {

void* AllocateHuge(std::size_t bytes) {
  PageWarmer* warmer = PageWarmer::Current();
  if (warmer == nullptr) return AllocateHugeBlock(bytes);
  if (bytes <= kHugePage) {
    if (void* page = warmer->TakePage()) return page;
    return AllocateHugeBlock(bytes);  // used at once: nothing to gain from queueing it
  }
  void* block = AllocateHugeBlock(bytes);
  warmer->Warm(block, (bytes + kHugePage - 1) / kHugePage * kHugePage);
  return block;
}

void FreeHuge(void* p) {
  if (p == nullptr) return;
  if (PageWarmer* warmer = PageWarmer::Current()) warmer->Forget(p);
  std::free(p);
}

}  // namespace weft::internal
