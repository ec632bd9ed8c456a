import sys, math, collections, itertools; sys.path.insert(0, __import__('os').path.dirname(__file__))
from sim import *
al=load(sys.argv[1])
tok=tokens(al)
# direct pairs per (category, role-of-both), no hub, windows 1h/24h/any; plus median gap
rows=collections.defaultdict(lambda: collections.Counter())
gaps=collections.defaultdict(list)
for t,occ in tok.items():
  ks={}
  for k,c,r in occ: ks.setdefault(k,(c,r))
  for a,b in itertools.combinations(sorted(ks),2):
    c=ks[a][0]; role='impacted' if ks[a][1]==ks[b][1]=='impacted' else ('related' if ks[a][1]==ks[b][1]=='related' else 'mixed')
    tr='T' if al[a]['lab']&al[b]['lab'] else 'F'
    g=abs(al[a]['t']-al[b]['t'])
    key=(c,role)
    rows[key][tr+'any']+=1
    if g<=86400: rows[key][tr+'24h']+=1
    if g<=3600: rows[key][tr+'1h']+=1
    gaps[tr].append(g/3600)
print('| kind (GUIDE EntityType) | role | true/false pairs, any gap | at <=24h | at <=1h | precision at 24h |')
for k,v in sorted(rows.items(), key=lambda x:-(x[1]['Tany']+x[1]['Fany'])):
  p=v['T24h']/(v['T24h']+v['F24h']) if v['T24h']+v['F24h'] else float('nan')
  print('| %s | %s | %d / %d | %d / %d | %d / %d | %.2f |'%(k[0],k[1],v['Tany'],v['Fany'],v['T24h'],v['F24h'],v['T1h'],v['F1h'],p))
import statistics
for tr in 'TF':
  g=sorted(gaps[tr]); print(tr,len(g),'median h %.1f'%statistics.median(g),'p25 %.1f p75 %.1f'%(g[len(g)//4],g[3*len(g)//4]), 'share<=24h %.2f'%(sum(x<=24 for x in g)/len(g)))
