import json, collections, itertools, sys
from datetime import datetime
alerts={}; tsize=collections.Counter()
for line in open(sys.argv[1]):
  a=json.loads(line)
  t=datetime.fromisoformat(a['first_activity'].replace('Z','+00:00')).timestamp()
  alerts[a['key']]=dict(ten=a['tenant'],lab=set(a.get('labels',[])),t=t,ents=a.get('entities',[]),typ=a['alert_type'],title=a['title'],tac=tuple(a['tactics']))
  tsize[a['tenant']]+=1
WEAK=('device:host:','device:fqdn:','user:name:','file:name:')
tok=collections.defaultdict(set); tinfo={}
for k,a in alerts.items():
  for e in a['ents']:
    if e['key'].startswith(WEAK): continue
    T=(a['ten'],e['key']); tok[T].add(k); tinfo[T]=(e['kind'],e.get('properties',{}).get('guide_entity_type'))
feats=collections.defaultdict(lambda:[0,0])
W=24*3600
for T,als in tok.items():
  deg=len(als)
  for a,b in itertools.combinations(sorted(als),2):
    A,B=alerts[a],alerts[b]
    if abs(A['t']-B['t'])>W: continue
    tr=0 if A['lab']&B['lab'] else 1
    kind,et=tinfo[T]
    feats[('deg', min(deg,20)//3*3 if deg<20 else '20+')][tr]+=1
    feats[('same_type', A['typ']==B['typ'])][tr]+=1
    feats[('same_tactic', A['tac']==B['tac'])][tr]+=1
    ts=tsize[A['ten']]
    feats[('tenant', '<10' if ts<10 else '<100' if ts<100 else '<1000' if ts<1000 else '1000+')][tr]+=1
    feats[('et', et, 'same_type', A['typ']==B['typ'])][tr]+=1
for k,v in sorted(feats.items(), key=str): print(k, v, round(v[0]/sum(v),2))
print(sorted(tsize.values())[-10:])
