#pragma once
// HubDistances: the exact hop distance from each of a graph's highest-degree nodes (its hubs) to
// every node, ignoring edge direction and every filter. A path query uses them as lower bounds:
// a filtered or directed path is never shorter than the undirected one, so a hub whose
// distance from the search's start plus its distance to the targets exceeds the query's hop
// limit lies on no answer, and its thousands of edges need not be scanned (PathSearch::Meet).
// A query between two nodes of one large component with no path within the limit otherwise
// scans the hop-limited balls around every hub near either end: the tail of the path queries
// (docs/paths.md).
//
// One byte per node and hub (distances above 254 are stored as 255, "at least that far"),
// computed by one breadth-first search from all the hubs at once when the graph is built.
// Immutable afterwards.

#include <cstdint>
#include <span>
#include <vector>

namespace weft::internal {

class HubDistances {
 public:
  using NodeId = std::uint32_t;
  static constexpr std::uint8_t kFar = 255;    // unreachable, or 255 hops or more
  static constexpr std::size_t kMaxHubs = 16;  // more are not kept

  // An undirected view of a CSR graph: node u's out edges lead to
  // edge_to[out_offsets[u] .. out_offsets[u+1]), its in edges come from
  // in_from[in_offsets[u] .. in_offsets[u+1]).
  struct Csr {
    std::span<const std::uint32_t> out_offsets;
    std::span<const NodeId> edge_to;
    std::span<const std::uint32_t> in_offsets;
    std::span<const NodeId> in_from;
  };

  HubDistances() = default;

  // The `max_hubs` (at most kMaxHubs) nodes of highest degree (in + out; ties to the lower id)
  // among those of degree at least `min_degree`, and their distance tables.
  static HubDistances Compute(const Csr& g, std::size_t max_hubs, std::uint32_t min_degree);

  std::size_t size() const { return hubs_.size(); }
  // The smallest degree of a hub: a node of smaller degree is not one (so a caller can skip the
  // lookup for most nodes). UINT64_MAX when there are none.
  std::uint64_t min_degree() const { return min_degree_; }
  // The index of `u` among the hubs, or -1.
  int Find(NodeId u) const;
  // Hops between hub `hub` and node `v` (kFar when unreachable).
  std::uint8_t Distance(std::size_t hub, NodeId v) const { return table_[v * hubs_.size() + hub]; }
  std::size_t memory_bytes() const { return table_.size() + hubs_.size() * sizeof(NodeId); }

 private:
  std::vector<NodeId> hubs_;         // ascending node ids
  std::vector<std::uint8_t> table_;  // node-major: table_[v * hubs_.size() + h]
  std::size_t nodes_ = 0;
  std::uint64_t min_degree_ = UINT64_MAX;
};

}  // namespace weft::internal
