# How precise can any pairwise grouping rule be on the GUIDE sample, judged on organisations it
# was not fitted to? Reads the raw CSV (every column, a superset of what weft's importer maps), so
# it bounds rules over entities *and* over alert features weft does not use.
#
# Each alert pair of one organisation gets a feature class: first-activity gap (8 buckets), same
# DetectorId, same AlertTitle, same Category, same MitreTechniques, a shared strong identifier, a
# shared weak name (file/folder/device/account names, threat family), and the organisation's size
# in the sample (5 buckets). A "rule" is any set of classes. For a split of the organisations into
# halves, classes are ranked by precision on one half (with at least 5 pairs) and added in that
# order on the other half until the held-out pairwise recall, after the transitive closure weft's
# incidents imply, reaches what beating the naive baseline's F1 needs (0.0053 at P = 0.6). The
# precision there is what a rule learned from data would get on new organisations.
#
#   python3 scripts/tune/guide_bound.py tests/data/guide/guide_test_sample_10k_yasin281.csv [splits]
#
# With every class fitted to the whole sample instead (no held-out half), it also prints the
# in-sample optimum, which small classes make look far better than it is.
import collections, csv, itertools, random, statistics, sys
from datetime import datetime

# The per-column "not applicable" codes (shared/data/README.md); 0 is a second unknown code.
SENTINEL = dict(DeviceId='98799', Sha256='138268', IpAddress='360606', Url='160396',
                AccountSid='441377', AccountUpn='673934', AccountObjectId='425863',
                AccountName='453297', DeviceName='153085', NetworkMessageId='529644',
                RegistryKey='1631', RegistryValueName='635', RegistryValueData='860',
                ApplicationId='2251', ApplicationName='3421', OAuthApplicationId='881',
                FileName='289573', FolderPath='117668', ResourceIdName='3586',
                EmailClusterId='', ThreatFamily='')
STRONG = {'DeviceId', 'Sha256', 'IpAddress', 'Url', 'AccountSid', 'AccountUpn', 'AccountObjectId',
          'NetworkMessageId', 'EmailClusterId', 'ApplicationId', 'OAuthApplicationId',
          'ResourceIdName', 'RegistryKey'}
GAPS = [0, 60, 600, 3600, 6 * 3600, 86400, 7 * 86400]
NEEDED_RECALL = 0.0053  # F1 of naive (0.0105) at P = 0.6


def load(path):
  alerts = {}
  for r in csv.DictReader(open(path)):
    t = datetime.fromisoformat(r['Timestamp'].replace('Z', '+00:00')).timestamp()
    a = alerts.setdefault((r['OrgId'], r['AlertId']), dict(
        org=r['OrgId'], t=t, det=r['DetectorId'], title=r['AlertTitle'], cat=r['Category'],
        mitre=r['MitreTechniques'], incidents=set(), values=set()))
    a['t'] = min(a['t'], t)
    a['incidents'].add(r['IncidentId'])
    for col, sentinel in SENTINEL.items():
      v = r[col]
      if v and v != sentinel and v != '0': a['values'].add((col, v))
  return alerts


def feature_class(a, b, org_size):
  shared = a['values'] & b['values']
  gap = abs(a['t'] - b['t'])
  return (next((i for i, g in enumerate(GAPS) if gap <= g), len(GAPS)), a['det'] == b['det'],
          a['title'] == b['title'], a['cat'] == b['cat'],
          a['mitre'] == b['mitre'] and a['mitre'] != '',
          any(c in STRONG for c, _ in shared), any(c not in STRONG for c, _ in shared),
          min(org_size, 400) // 100)


def together(alerts, x, y):
  return bool(alerts[x]['incidents'] & alerts[y]['incidents'])


def closure_pairs(alerts, links, keys):
  """(true, predicted) pairs of the components the links make among keys."""
  parent = {}
  def find(x):
    while parent.get(x, x) != x:
      parent[x] = parent.get(parent[x], parent[x])
      x = parent[x]
    return x
  for x, y in links:
    rx, ry = find(x), find(y)
    if rx != ry: parent[rx] = ry
  groups = collections.defaultdict(list)
  for k in keys: groups[find(k)].append(k)
  tp = pp = 0
  for members in groups.values():
    for x, y in itertools.combinations(members, 2):
      pp += 1
      tp += together(alerts, x, y)
  return tp, pp


def main():
  alerts = load(sys.argv[1])
  splits = int(sys.argv[2]) if len(sys.argv) > 2 else 10
  by_org = collections.defaultdict(list)
  for k, a in alerts.items(): by_org[a['org']].append(k)

  # In-sample optimum over direct pairs: classes sorted by their own precision.
  counts = collections.defaultdict(lambda: [0, 0])
  total = 0
  for members in by_org.values():
    for x, y in itertools.combinations(members, 2):
      t = together(alerts, x, y)
      c = counts[feature_class(alerts[x], alerts[y], len(members))]
      c[0] += t; c[1] += 1; total += t
  tp = pp = 0
  for t, n in sorted(counts.values(), key=lambda c: -c[0] / c[1]):
    tp += t; pp += n
    if tp >= NEEDED_RECALL * total: break
  print('in-sample optimum (fitted, direct pairs): P %.3f at R %.4f; %d classes, %d true pairs'
        % (tp / pp, tp / total, len(counts), total))

  orgs = sorted(by_org)
  precisions = []
  for seed in range(splits):
    random.Random(seed).shuffle(orgs)
    fit = set(orgs[:len(orgs) // 2])
    train = collections.defaultdict(lambda: [0, 0])
    test = collections.defaultdict(list)
    test_keys, test_true = [], 0
    for org, members in by_org.items():
      if org not in fit: test_keys += members
      for x, y in itertools.combinations(members, 2):
        f = feature_class(alerts[x], alerts[y], len(members))
        t = together(alerts, x, y)
        if org in fit:
          train[f][0] += t; train[f][1] += 1
        else:
          test[f].append((x, y)); test_true += t
    ranked = sorted((f for f in train if train[f][1] >= 5),
                    key=lambda f: -(train[f][0] + 0.5) / (train[f][1] + 1))
    links = []
    for f in ranked:
      links += test.get(f, [])
      tp, pp = closure_pairs(alerts, links, test_keys)
      if tp >= NEEDED_RECALL * test_true: break
    precisions.append(tp / pp)
    print('split %d: held-out P %.3f at R %.4f (%d of %d pairs; %d true pairs held out)'
          % (seed, tp / pp, tp / test_true, tp, pp, test_true))
  print('held-out precision: median %.3f, range %.3f-%.3f, >= 0.6 in %d of %d splits'
        % (statistics.median(precisions), min(precisions), max(precisions),
           sum(p >= 0.6 for p in precisions), len(precisions)))


if __name__ == '__main__':
  main()
