import sys, math, collections; sys.path.insert(0, __import__('os').path.dirname(__file__))
from sim import *
al=load(sys.argv[1]); ts=collections.Counter(a['ten'] for a in al.values())
tok=tokens(al); rs=score(al,components(al,tok))[1]; T=true_pairs(al)
H=lambda n: max(12, math.ceil(0.002*n)); h=3600; d=24*h
DEF={'device','user','mailbox-user','file','cloud','app','mail','registry'}
REAL={'guide-ip','guide-url','guide-sha256','guide-mailcluster'}  # generic today; real kinds ip/url/file
def mk(kinds, win=d, perwin=None, hub=H, perhub=None, impacted=()):
  def rule(c,r):
    if c not in kinds or (c in impacted and r!='impacted'): return (None,None)
    return ((perwin or {}).get(c,win), (perhub or {}).get(c,hub))
  return rule
M=[('defaults (24h, hub 12+0.2%, default kinds)', mk(DEF-{'registry'})),
   ('defaults - app', mk(DEF-{'registry','app'})),
   ('real kinds for GUIDE ip/url/sha256 (= kinds all)', mk(DEF|REAL)),
   ('real kinds - app', mk(DEF|REAL-{'app'})),
   ('real kinds - app, window 7d', mk(DEF|REAL-{'app'},win=7*d)),
   ('real kinds - app, window off', mk(DEF|REAL-{'app'},win=1e18)),
   ('per-kind window: ip 1h, user 5h, others 24h', mk(DEF|REAL-{'app'},perwin={'guide-ip':h,'user':5*h,'mailbox-user':5*h})),
   ('per-kind window: ip 1h, user 5h, others 7d', mk(DEF|REAL-{'app'},win=7*d,perwin={'guide-ip':h,'user':5*h,'mailbox-user':5*h})),
   ('per-kind hub: ip/user/url/app max 3, others 12+0.2%', mk(DEF|REAL,perhub={c:(lambda n:3) for c in ('guide-ip','user','mailbox-user','guide-url','app')})),
   ('per-kind hub 3 for ip/user/url/app, window 7d', mk(DEF|REAL,win=7*d,perhub={c:(lambda n:3) for c in ('guide-ip','user','mailbox-user','guide-url','app')})),
   ('impacted-only for user/ip/url/app', mk(DEF|REAL,impacted={'user','mailbox-user','guide-ip','guide-url','app'})),
   ('hub 2 everywhere (a pair per entity), window off, real kinds', mk(DEF|REAL,win=1e18,hub=lambda n:2)),
   ('hub 3 everywhere, 7d, real kinds - app', mk(DEF|REAL-{'app'},win=7*d,hub=lambda n:3)),
   ('window 1h, hub 5, real kinds', mk(DEF|REAL,win=h,hub=lambda n:5)),
]
print('| mechanism (simulated) | P | correct pairs | rel. recall | F1 |')
for name,rule in M:
  p,c=score(al,correlate(al,tok,rule,ts)); P=c/p if p else 1; R=c/T
  print('| %s | %.3f | %d | %.3f | %.4f |'%(name,P,c,c/rs,2*P*R/(P+R) if c else 0))
