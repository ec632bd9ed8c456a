import sys, math, collections, random; sys.path.insert(0, __import__('os').path.dirname(__file__))
from sim import *
al=load(sys.argv[1]); ts=collections.Counter(a['ten'] for a in al.values())
tok=tokens(al); rs=score(al,components(al,tok))[1]
cats=sorted(set(c for occ in tok.values() for k,c,r in occ))
print(cats)
WS=[None,3600,5*3600,24*3600,7*86400,1e18]; HS=[2,3,5,12,1e12]; RS=['any','impacted']
def run(cfg):
  def rule(c,r):
    w,h,ro=cfg[c]
    if w is None or (ro=='impacted' and r!='impacted'): return (None,None)
    return (w, lambda n,h=h: h)
  p,c=score(al,correlate(al,tok,rule,ts)); P=c/p if p else 1.0
  return P,c/rs,c,p
def obj(P,R): return R if P>=0.6 else R*(P/0.6)**4 - 1
best=None
random.seed(1)
for restart in range(4):
  cfg={c:(random.choice(WS),random.choice(HS),random.choice(RS)) for c in cats} if restart else {c:(None,12,'any') for c in cats}
  cur=obj(*run(cfg)[:2])
  improved=True
  while improved:
    improved=False
    for c in cats:
      for w in WS:
        for h in HS:
          for ro in RS:
            t=dict(cfg); t[c]=(w,h,ro); P,R,_,_=run(t); o=obj(P,R)
            if o>cur+1e-9: cur,cfg,improved=o,t,True
  P,R,c,p=run(cfg); print('restart',restart,'P=%.3f relR=%.3f correct=%d pred=%d'%(P,R,c,p)); print({k:v for k,v in cfg.items() if v[0] is not None})
  if best is None or cur>best[0]: best=(cur,cfg)
