# Adds the generator's planted labels to `weft export alerts` output, so sim.py can score it:
#   python3 label_export.py DIR/labels.jsonl export.jsonl > labelled.jsonl
import json, sys
labels = {}
for line in open(sys.argv[1]):
    d = json.loads(line)
    labels[d['alert_key']] = d['incident']
for line in open(sys.argv[2]):
    a = json.loads(line)
    if a['key'] in labels:
        a['labels'] = [labels[a['key']]]
    print(json.dumps(a))
