# Simulates weft-like correlation on exported GUIDE alerts with per-category rules; scores pairwise.
import json, collections, itertools, sys
from datetime import datetime
WEAK=('device:host:','device:fqdn:','user:name:','file:name:')
def load(path):
  alerts={}
  for line in open(path):
    a=json.loads(line)
    t=datetime.fromisoformat(a['first_activity'].replace('Z','+00:00')).timestamp()
    alerts[a['key']]=dict(ten=a['tenant'],lab=frozenset(a['tenant']+'/'+l for l in a.get('labels',[])),t=t,ents=a.get('entities',[]))
  return alerts
def cat(e):
  et=e.get('properties',{}).get('guide_entity_type','')
  k=e['kind']; key=e['key']
  if k=='generic':
    return key.split(':')[1]   # guide-ip, guide-url, guide-sha256, guide-mailcluster, guide-malware
  if k=='user' and et=='Mailbox': return 'mailbox-user'
  return k
class UF:
  def __init__(s): s.p={}
  def f(s,x):
    p=s.p; p.setdefault(x,x)
    while p[x]!=x: p[x]=p[p[x]]; x=p[x]
    return x
  def u(s,a,b): s.p[s.f(a)]=s.f(b)
def tokens(alerts, weak=False):
  """token -> list of (alert, category, role). Strong aliases merge entities (union of tokens)."""
  uf=UF(); occ=[]
  for k,a in alerts.items():
    for e in a['ents']:
      kw=e['key'].startswith(WEAK)
      ts=[] if kw and not weak else [e['key']]
      ts+=[e['kind']+':'+al['type']+':'+al['value'] for al in e.get('aliases',[]) if al['strength']=='strong' or weak]
      if kw and weak: ts.append(e['key'])
      if not ts: continue
      ts=[a['ten']+'|'+t for t in ts]
      for t in ts[1:]: uf.u(ts[0],t)
      occ.append((ts[0],k,cat(e),e.get('role','')))
  tok=collections.defaultdict(list)
  for t,k,c,r in occ: tok[uf.f(t)].append((k,c,r))
  return tok
def score(alerts, groups):
  # pairwise over labelled alerts, labels as sets (intersect = together)
  pred=0; corr=0
  for g in groups:
    g=[x for x in g if alerts[x]['lab']]
    pred+=len(g)*(len(g)-1)//2
    for a,b in itertools.combinations(g,2):
      if alerts[a]['lab']&alerts[b]['lab']: corr+=1
  return pred,corr
def true_pairs(alerts):
  by=collections.defaultdict(set)
  for k,a in alerts.items():
    for l in a['lab']: by[l].add(k)
  s=set()
  for l,ks in by.items():
    for p in itertools.combinations(sorted(ks),2): s.add(p)
  return len(s)
def correlate(alerts, tok, rule, tenant_size):
  """rule(cat, role) -> (window_seconds or None to exclude, hub_threshold(tenant_size))."""
  uf=UF()
  for k in alerts: uf.f(k)
  for t,occ in tok.items():
    ks=sorted(set(k for k,c,r in occ))
    if len(ks)<2: continue
    ten=alerts[ks[0]]['ten']
    # an occurrence counts when its (cat,role) is allowed
    allowed=[(k,c,r) for k,c,r in occ if rule(c,r)[0] is not None]
    if not allowed: continue
    ks=sorted(set(k for k,c,r in allowed), key=lambda k: alerts[k]['t'])
    w=min(rule(c,r)[0] for k,c,r in allowed); hub=rule(allowed[0][1],allowed[0][2])[1](tenant_size[ten])
    if len(ks)>hub: continue
    for i in range(1,len(ks)):   # chain consecutive alerts within the window
      if alerts[ks[i]]['t']-alerts[ks[i-1]]['t']<=w: uf.u(ks[i],ks[i-1])
  groups=collections.defaultdict(list)
  for k in alerts: groups[uf.f(k)].append(k)
  return list(groups.values())
def components(alerts,tok):
  uf=UF()
  for k in alerts: uf.f(k)
  for t,occ in tok.items():
    ks=[k for k,c,r in occ]
    for x in ks[1:]: uf.u(x,ks[0])
  groups=collections.defaultdict(list)
  for k in alerts: groups[uf.f(k)].append(k)
  return list(groups.values())
