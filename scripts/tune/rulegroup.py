import sys, math, collections, json; sys.path.insert(0, __import__('os').path.dirname(__file__))
from sim import *
h=3600; d=24*h
H=lambda n: max(12, math.ceil(0.002*n))
DEF={'device','user','mailbox-user','file','cloud','mail'}
def run(path, label):
  al=load(path)
  src={}
  for l in open(path):
    a=json.loads(l); src[a['key']]=(a.get('source',''),a.get('alert_type',''),a.get('title',''))
  ts=collections.Counter(a['ten'] for a in al.values())
  tok0=tokens(al); T=true_pairs(al); rs=score(al,components(al,tok0))[1]
  def with_rule(bucket):
    tok=collections.defaultdict(list,{k:list(v) for k,v in tok0.items()})
    if bucket:
      for k,a in al.items():
        s,t,_=src[k]
        tok['rule|%s|%s|%s|%d'%(a['ten'],s,t,int(a['t']//bucket))].append((k,'rule',''))
    return tok
  print('##',label,'true pairs',T,'reachable',rs)
  for bucket in (0,600,h,6*h,d):
    tok=with_rule(bucket)
    for cap in ((12,) if not bucket else (3,5,10,20,1e9)):
      def rule(c,r):
        if c=='rule': return (bucket, lambda n: cap)
        if c not in DEF: return (None,None)
        return (d,H)
      p,c=score(al,correlate(al,tok,rule,ts)); P=c/p if p else 1; R=c/T
      print('bucket %5s cap %5s  P %.3f R %.4f F1 %.4f rel %.2f pred %d' % (bucket, cap, P, R, 2*P*R/(P+R) if c else 0, c/rs if rs else 0, p))
run(sys.argv[1], sys.argv[2])
