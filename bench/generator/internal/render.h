#pragma once
// Renders one generated record in a source's own format, as one JSON line (no newline). The
// records carry exactly the identifiers BuildEntity turned into the normalized alert, so an
// importer of that format reproduces the generated alert key and entities. Pure functions;
// thread-safe. Private to the generator (the only place besides importers/ that sees JSON).

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/generator/generator.h"
#include "bench/generator/internal/scenarios.h"
#include "bench/generator/internal/world.h"

namespace weft::generator::internal {

using Json = nlohmann::ordered_json;

// Dispatches on g.channel (or writes weft's format when `weft` is true).
std::string RenderRecord(const GeneratedAlert& g, const Tenant& tenant, bool weft);

// Per-family renderers.
Json RenderMdcRest(const GeneratedAlert& g, const Tenant& tenant);
Json RenderSentinel(const GeneratedAlert& g, const Tenant& tenant);
Json RenderGraph(const GeneratedAlert& g, const Tenant& tenant);
Json RenderGuardDuty(const GeneratedAlert& g, const Tenant& tenant);
Json RenderSecurityHub(const GeneratedAlert& g, const Tenant& tenant);
Json RenderScc(const GeneratedAlert& g, const Tenant& tenant);
Json RenderOcsf(const GeneratedAlert& g, const Tenant& tenant);
Json RenderWeft(const GeneratedAlert& g);

// Helpers shared by the renderers.
std::string Iso(Timestamp t);  // "2026-01-05T10:00:00.000Z"
// The refs of `g` whose slot is one of `slots`, in record order.
std::vector<std::uint64_t> RefsOf(const GeneratedAlert& g, std::initializer_list<Slot> slots);
bool HasSlot(const GeneratedAlert& g, Slot slot);
// The first IP the alert names (attacker, C2 or hub), or "".
std::string FirstIp(const GeneratedAlert& g, const Tenant& tenant);
std::string IpOf(std::uint64_t ref, const Tenant& tenant);
FileIds FileOf(std::uint64_t ref, const Tenant& tenant);
UserIds2 UserOf(std::uint64_t ref, const Tenant& tenant);

}  // namespace weft::generator::internal
