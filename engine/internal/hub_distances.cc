#include "engine/internal/hub_distances.h"

#include <algorithm>
#include <bit>

namespace weft::internal {
namespace {

// Breadth-first searches from every hub at once (a multi-source BFS: Then et al., "The More the
// Merrier", VLDB 2014), over g's edges either way. Each node holds a bit per hub: reached, and in
// the current or next frontier. A node is scanned once per level at which some hub first reaches
// it, for all those hubs together; hubs a few hops apart reach most nodes within a few levels of
// each other, so a node is scanned a few times rather than once per hub. Writes each node's
// distances (capped at 254) into `table` (node-major, `hubs.size()` bytes a node, kFar on entry).
void Distances(const HubDistances::Csr& g, const std::vector<HubDistances::NodeId>& hubs,
               std::span<std::uint8_t> table) {
  using Mask = std::uint16_t;
  static_assert(HubDistances::kMaxHubs <= 16, "one bit per hub in a Mask");
  const std::size_t n = g.out_offsets.size() - 1, k = hubs.size();
  std::vector<Mask> seen(n, 0), visit(n, 0), next(n, 0);
  std::vector<HubDistances::NodeId> frontier, upcoming;
  for (std::size_t h = 0; h < k; ++h) {
    const HubDistances::NodeId u = hubs[h];
    if (visit[u] == 0) frontier.push_back(u);
    visit[u] |= static_cast<Mask>(1u << h);
    seen[u] |= static_cast<Mask>(1u << h);
    table[u * k + h] = 0;
  }
  for (std::uint8_t d = 1; !frontier.empty() && d < HubDistances::kFar; ++d) {
    upcoming.clear();
    auto reach = [&](const Mask from, HubDistances::NodeId w) {
      const Mask fresh = from & static_cast<Mask>(~seen[w]);
      if (fresh == 0) return;
      if (next[w] == 0) upcoming.push_back(w);
      next[w] |= fresh;
      seen[w] |= fresh;
    };
    for (const HubDistances::NodeId u : frontier) {
      const Mask from = visit[u];
      visit[u] = 0;
      for (std::uint32_t e = g.out_offsets[u]; e < g.out_offsets[u + 1]; ++e)
        reach(from, g.edge_to[e]);
      for (std::uint32_t i = g.in_offsets[u]; i < g.in_offsets[u + 1]; ++i)
        reach(from, g.in_from[i]);
    }
    for (const HubDistances::NodeId w : upcoming) {
      for (Mask m = next[w]; m != 0; m &= static_cast<Mask>(m - 1)) {
        table[w * k + static_cast<std::size_t>(std::countr_zero(m))] = d;
      }
      visit[w] = next[w];
      next[w] = 0;
    }
    frontier.swap(upcoming);
  }
}

}  // namespace

HubDistances HubDistances::Compute(const Csr& g, std::size_t max_hubs, std::uint32_t min_degree) {
  HubDistances h;
  h.nodes_ = g.out_offsets.empty() ? 0 : g.out_offsets.size() - 1;
  auto degree = [&g](NodeId u) -> std::uint64_t {
    return std::uint64_t{g.out_offsets[u + 1]} - g.out_offsets[u] + g.in_offsets[u + 1] -
           g.in_offsets[u];
  };
  std::vector<NodeId> candidates;
  for (NodeId u = 0; u < h.nodes_; ++u) {
    if (degree(u) >= min_degree) candidates.push_back(u);
  }
  const std::size_t count = std::min({max_hubs, kMaxHubs, candidates.size()});
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(count),
                    candidates.end(), [&](NodeId a, NodeId b) {
                      const std::uint64_t da = degree(a), db = degree(b);
                      return da != db ? da > db : a < b;
                    });
  h.hubs_.assign(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(count));
  std::sort(h.hubs_.begin(), h.hubs_.end());
  for (const NodeId u : h.hubs_) h.min_degree_ = std::min(h.min_degree_, degree(u));
  h.table_.assign(h.hubs_.size() * h.nodes_, kFar);
  if (!h.hubs_.empty()) Distances(g, h.hubs_, h.table_);
  return h;
}

int HubDistances::Find(NodeId u) const {
  auto it = std::lower_bound(hubs_.begin(), hubs_.end(), u);
  return it != hubs_.end() && *it == u ? static_cast<int>(it - hubs_.begin()) : -1;
}

}  // namespace weft::internal
