#!/usr/bin/env python3
"""SciPy's batch connected-components job on a `weft bench` id stream (issue 6's SciPy row).

`weft bench` writes the stream it correlates (the distinct alerts' times and their entities as
dense integer ids, with which entities may link alerts) to a file and runs this script once per
round of its correlate stage, so that SciPy's rate is measured in the same hour of the host as the
correlator's and the union-find floor's. Two jobs, each timed from the loaded arrays (parsed ids)
to the components (incidents), the time to read the file left out:

  plain   the components of the bipartite alert-entity graph over the linking entities, with no
          time window: the reference row's "incidents from parsed ids" job;
  window  the components when each alert is linked to the previous alert (in arrival order) of
          each linking entity within the window: the union-find floor's job, so its count must
          equal the floor's (`weft bench` checks that it does).

Prints one JSON object: seconds and components of each job, and the process's peak RSS.
Usage: scipy_components.py IDS_FILE. Exit 3 (with {"error": ...}) when NumPy or SciPy is missing.

The file (little-endian): b"WEFTIDS1", then u64 alerts n, u64 edges m, u64 entities e, i64 window
(ms); i64 time[n]; u32 offsets[n + 1] (alert i's entities are entities[offsets[i]:offsets[i+1]]);
u32 entities[m]; u8 correlating[e].
"""

import json
import resource
import sys
import time

MAGIC = b"WEFTIDS1"


def fail(code, message):
    print(json.dumps({"error": message}))
    sys.exit(code)


try:
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
except ImportError as e:  # reported, not raised: the bench leaves the SciPy figures out
    fail(3, "NumPy and SciPy are needed (Debian: apt install python3-scipy): %s" % e)


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != MAGIC:
        fail(2, "%s: not a weft id stream (no %r header)" % (path, MAGIC))
    n, m, e = np.frombuffer(data, dtype="<u8", count=3, offset=8)
    (window,) = np.frombuffer(data, dtype="<i8", count=1, offset=32)
    n, m, e = int(n), int(m), int(e)
    at = 40
    times = np.frombuffer(data, dtype="<i8", count=n, offset=at)
    at += 8 * n
    offsets = np.frombuffer(data, dtype="<u4", count=n + 1, offset=at)
    at += 4 * (n + 1)
    entities = np.frombuffer(data, dtype="<u4", count=m, offset=at)
    at += 4 * m
    correlating = np.frombuffer(data, dtype="u1", count=e, offset=at)
    if at + e != len(data) or int(offsets[-1]) != m:
        fail(2, "%s: truncated or inconsistent id stream" % path)
    return times, offsets, entities, correlating, int(window)


def linking_edges(offsets, entities, correlating):
    """The (alert, entity) pairs whose entity may link alerts."""
    n = len(offsets) - 1
    alert_of_edge = np.repeat(np.arange(n, dtype=np.int32), np.diff(offsets).astype(np.int64))
    keep = correlating[entities] != 0
    return alert_of_edge[keep], entities[keep].astype(np.int32)


def plain_components(offsets, entities, correlating):
    n, e = len(offsets) - 1, len(correlating)
    alerts, ents = linking_edges(offsets, entities, correlating)
    # Alerts are nodes 0..n-1, entities n..n+e-1; an entity no alert names is a node of its own.
    graph = coo_matrix(
        (np.ones(len(alerts), dtype=np.int8), (alerts, ents + n)), shape=(n + e, n + e)
    ).tocsr()
    count, _ = connected_components(graph, directed=False)
    # Less the components without an alert: the entities no linking edge names, one node each.
    return count - int(np.count_nonzero(np.bincount(ents, minlength=e) == 0))


def window_components(times, offsets, entities, correlating, window):
    n = len(offsets) - 1
    alerts, ents = linking_edges(offsets, entities, correlating)
    order = np.lexsort((alerts, ents))  # by entity, then arrival
    a, ent = alerts[order], ents[order]
    t = times[a]
    link = (ent[1:] == ent[:-1]) & (a[1:] != a[:-1]) & (np.abs(t[1:] - t[:-1]) <= window)
    graph = coo_matrix(
        (np.ones(int(link.sum()), dtype=np.int8), (a[:-1][link], a[1:][link])), shape=(n, n)
    ).tocsr()
    count, _ = connected_components(graph, directed=False)
    return count


def main():
    if len(sys.argv) != 2:
        fail(2, "usage: scipy_components.py IDS_FILE")
    times, offsets, entities, correlating, window = load(sys.argv[1])
    start = time.perf_counter()
    plain = plain_components(offsets, entities, correlating)
    plain_s = time.perf_counter() - start
    start = time.perf_counter()
    windowed = window_components(times, offsets, entities, correlating, window)
    window_s = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(
        json.dumps(
            {
                "alerts": len(times),
                "seconds": plain_s,
                "components": plain,
                "window_seconds": window_s,
                "window_components": windowed,
                "peak_rss_mb": peak_mb,
            }
        )
    )


if __name__ == "__main__":
    main()
