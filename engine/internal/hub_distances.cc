#include "engine/internal/hub_distances.h"

#include <algorithm>

namespace weft::internal {
namespace {

// Breadth-first search from `from` over g's edges either way, writing each node's distance
// (capped at 254; kFar when unreached) into `dist`, which holds kFar everywhere on entry.
void Distances(const HubDistances::Csr& g, HubDistances::NodeId from, std::span<std::uint8_t> dist,
               std::vector<HubDistances::NodeId>& frontier,
               std::vector<HubDistances::NodeId>& next) {
  frontier.assign(1, from);
  dist[from] = 0;
  for (std::uint8_t d = 1; !frontier.empty() && d < HubDistances::kFar; ++d) {
    next.clear();
    auto visit = [&](HubDistances::NodeId v) {
      if (dist[v] != HubDistances::kFar) return;
      dist[v] = d;
      next.push_back(v);
    };
    for (const HubDistances::NodeId u : frontier) {
      for (std::uint32_t e = g.out_offsets[u]; e < g.out_offsets[u + 1]; ++e) visit(g.edge_to[e]);
      for (std::uint32_t i = g.in_offsets[u]; i < g.in_offsets[u + 1]; ++i) visit(g.in_from[i]);
    }
    frontier.swap(next);
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
  const std::size_t count = std::min(max_hubs, candidates.size());
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(count),
                    candidates.end(), [&](NodeId a, NodeId b) {
                      const std::uint64_t da = degree(a), db = degree(b);
                      return da != db ? da > db : a < b;
                    });
  h.hubs_.assign(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(count));
  std::sort(h.hubs_.begin(), h.hubs_.end());
  h.table_.assign(h.hubs_.size() * h.nodes_, kFar);
  std::vector<NodeId> frontier, next;
  for (std::size_t i = 0; i < h.hubs_.size(); ++i) {
    h.min_degree_ = std::min(h.min_degree_, degree(h.hubs_[i]));
    Distances(g, h.hubs_[i], std::span(h.table_).subspan(i * h.nodes_, h.nodes_), frontier, next);
  }
  return h;
}

int HubDistances::Find(NodeId u) const {
  auto it = std::lower_bound(hubs_.begin(), hubs_.end(), u);
  return it != hubs_.end() && *it == u ? static_cast<int>(it - hubs_.begin()) : -1;
}

}  // namespace weft::internal
