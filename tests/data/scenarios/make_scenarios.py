# Builds tests/data/scenarios/* from real records (see README.md there). Run from /work/main.
import copy, json, os
S = 'tests/data/scenarios'
def dump(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f: json.dump(obj, f, indent=1); f.write('\n')
def dump_lines(path, objs):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        for o in objs: f.write(json.dumps(o) + '\n')

mdc_rest = json.load(open('tests/data/defender-for-cloud/DERIVED_azure-rest-api-specs_GetAlertsSubscription_body.json'))['value'][0]
graph = json.load(open('tests/data/graph-security/msgraph-docs_security-list-alerts_v2_example1.json'))['value'][0]
vm = graph['evidence'][0]['vmMetadata']['resourceId']
sub = graph['evidence'][0]['vmMetadata']['subscriptionId']

def mdc_alert(alert_id, resource_id, start, entities, display=None, rg='WdatpApi-EUS-STG'):
    a = copy.deepcopy(mdc_rest)
    p = a['properties']
    s = resource_id.split('/')[2]
    a['id'] = f'/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Security/locations/eastus/alerts/{alert_id}'
    a['name'] = alert_id
    p['systemAlertId'] = alert_id
    p['resourceIdentifiers'] = [{'azureResourceId': resource_id, 'type': 'AzureResource'}]
    p['startTimeUtc'] = p['endTimeUtc'] = start
    p['timeGeneratedUtc'] = p['processingEndTimeUtc'] = start
    p['entities'] = entities
    p['compromisedEntity'] = resource_id.rsplit('/', 1)[1]
    if display: p['alertDisplayName'] = display
    del p['supportingEvidence']
    return a

# (a) Defender for Cloud alert on the Azure VM that the MDE alert's deviceEvidence names (the
# resource id spelled in lower case, as Defender for Cloud often writes it).
a_mdc = mdc_alert('2518000000000000000_aaaaaaaa-0000-4000-8000-00000000000a', vm.lower(), '2021-04-26T09:10:00.0000000Z',
                  [{'address': '192.0.2.1', 'type': 'ip'}], 'Suspicious process executed on NirLaviTests')
dump(f'{S}/a_mdc_and_mde_same_vm/defender-for-cloud.json', {'value': [a_mdc]})
dump(f'{S}/a_mdc_and_mde_same_vm/graph-alerts.json', {'value': [graph]})

# (b) GuardDuty EC2/TorRelay on i-99999999 and a Security Hub control finding on the same instance.
gd = json.loads([l for l in open('tests/data/aws-guardduty/DERIVED_sekoia_input_messages.ndjson') if 'EC2/TorRelay' in l][0])
dump_lines(f'{S}/b_guardduty_and_securityhub_same_ec2/guardduty.ndjson', [gd])
asff = json.load(open('tests/data/aws-securityhub-asff/ocsf-examples_sechub-pci.asff.json'))
fid = 'arn:aws:securityhub:eu-west-2:111111111111:security-control/EC2.8/finding/0b8f8e3e-5b7a-4a0e-9e33-1a1f6a1b2c3d'
asff.update({
    'Id': fid, 'Region': 'eu-west-2', 'GeneratorId': 'security-control/EC2.8',
    'Title': 'EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)',
    'Description': 'This control checks whether your Amazon Elastic Compute Cloud (Amazon EC2) instance metadata version is configured with Instance Metadata Service Version 2 (IMDSv2).',
    'CreatedAt': '2023-03-20T14:02:10.120Z', 'FirstObservedAt': '2023-03-20T14:02:10.120Z',
    'LastObservedAt': '2023-03-20T14:02:10.120Z', 'UpdatedAt': '2023-03-20T14:02:10.120Z', 'ProcessedAt': '2023-03-20T14:02:12.001Z',
    'ProductArn': 'arn:aws:securityhub:eu-west-2::product/aws/securityhub',
    'Resources': [{'Id': 'arn:aws:ec2:eu-west-2:111111111111:instance/i-99999999', 'Partition': 'aws',
                   'Region': 'eu-west-2', 'Type': 'AwsEc2Instance',
                   'Details': {'AwsEc2Instance': {'Type': 'm3.xlarge', 'ImageId': 'ami-99999999',
                                                   'IpV4Addresses': ['10.0.0.1'], 'LaunchedAt': '2016-08-02T02:05:06.000Z'}}}],
})
asff['Compliance']['SecurityControlId'] = 'EC2.8'
asff['Compliance']['RelatedRequirements'] = ['NIST.800-53.r5 AC-3']
asff['ProductFields'] = {'ControlId': 'EC2.8', 'aws/securityhub/CompanyName': 'AWS',
                         'aws/securityhub/FindingId': 'arn:aws:securityhub:eu-west-2::product/aws/securityhub/' + fid,
                         'aws/securityhub/ProductName': 'Security Hub'}
asff['Severity'] = {'Label': 'HIGH', 'Normalized': 70, 'Original': 'HIGH', 'Product': 70}
asff['FindingProviderFields']['Severity'] = {'Label': 'HIGH', 'Original': 'HIGH'}
dump(f'{S}/b_guardduty_and_securityhub_same_ec2/securityhub.asff.json', asff)

# (c) A hub IP: 13 Defender for Cloud alerts on 13 different VMs, each naming only 203.0.113.50
# (13 > the default floor of 12). A common service account: 13 MDE alerts (Graph alerts_v2) on 13
# different devices, each naming only svc-backup@contoso.com.
hub = []
for i in range(13):
    rid = f'/subscriptions/{sub}/resourceGroups/Prod-RG/providers/Microsoft.Compute/virtualMachines/app{i:02d}'
    hub.append(mdc_alert(f'25180000000000000{i:02d}_cccccccc-0000-4000-8000-0000000000{i:02d}', rid,
                         f'2021-04-26T{8 + i // 2:02d}:{(i % 2) * 30:02d}:00.0000000Z',
                         [{'address': '203.0.113.50', 'type': 'ip'}], 'Traffic from a known scanner', rg='Prod-RG'))
dump(f'{S}/c_hub_ip_and_service_account/defender-for-cloud.json', {'value': hub})
svc = []
for i in range(13):
    g = copy.deepcopy(graph)
    gid = f'da63755122767756{i:04d}_-96144{i:04d}'
    g['id'] = g['providerAlertId'] = gid
    g['incidentId'] = str(30000 + i)
    g['alertWebUrl'] = g['incidentWebUrl'] = None
    g['firstActivityDateTime'] = g['lastActivityDateTime'] = f'2021-04-26T{8 + i // 2:02d}:{(i % 2) * 30 + 5:02d}:00Z'
    dev = copy.deepcopy(graph['evidence'][0])
    dev['mdeDeviceId'] = f'{i:02d}' + '3e7e2de709dff64ef64b1d0c30e67fab63279db'[2:] + '0'
    dev['mdeDeviceId'] = dev['mdeDeviceId'][:40]
    dev['deviceDnsName'] = f'desk{i:02d}.contoso.com'
    dev['ipInterfaces'] = []
    dev['vmMetadata'] = None
    user = {'@odata.type': '#microsoft.graph.security.userEvidence', 'createdDateTime': g['createdDateTime'],
            'verdict': 'unknown', 'remediationStatus': 'none', 'remediationStatusDetails': None, 'roles': [],
            'detailedRoles': [], 'tags': [],
            'userAccount': {'accountName': 'svc-backup', 'domainName': 'CONTOSO', 'userSid': None,
                            'azureAdUserId': '5e6f7a8b-1c2d-4e3f-9a0b-1c2d3e4f5a6b',
                            'userPrincipalName': 'svc-backup@contoso.com', 'displayName': 'Backup service'}}
    g['evidence'] = [dev, user]
    svc.append(g)
dump(f'{S}/c_hub_ip_and_service_account/graph-alerts.json', {'value': svc})

# (d) Four MDE alerts on four different devices: two whose DNS name is "web01", two whose DNS
# name is "localhost". Nothing else in common.
hosts = []
for i, name in enumerate(['web01', 'web01', 'localhost', 'localhost']):
    g = copy.deepcopy(graph)
    gid = f'da63755122767756{9000 + i}_-9614{i:05d}'
    g['id'] = g['providerAlertId'] = gid
    g['incidentId'] = str(40000 + i)
    g['alertWebUrl'] = g['incidentWebUrl'] = None
    g['firstActivityDateTime'] = g['lastActivityDateTime'] = f'2021-04-26T10:{i * 10:02d}:00Z'
    dev = copy.deepcopy(graph['evidence'][0])
    dev['mdeDeviceId'] = ('d%d' % i) + '3e7e2de709dff64ef64b1d0c30e67fab63279d'
    dev['deviceDnsName'] = name
    dev['ipInterfaces'] = []
    dev['vmMetadata']['vmId'] = f'ca1b0d41-5a3b-4d95-b48b-f220aed11d7{i}'
    dev['vmMetadata']['resourceId'] = f'/subscriptions/{sub}/resourceGroups/Web-RG/providers/Microsoft.Compute/virtualMachines/vm-{i}'
    g['evidence'] = [dev]
    hosts.append(g)
dump(f'{S}/d_same_hostname_different_vms/graph-alerts.json', {'value': hosts})

# (e) One Defender for Cloud alert through the REST API and through Sentinel's SecurityAlert
# table (both connectors).
demisto = json.load(open('tests/data/defender-for-cloud/demisto_AzureDefenderForCloud-All_Alerts_Response.json'))['value']
mining = [a for a in demisto if a['name'].startswith('2517396773587877093_')][0]
dump(f'{S}/e_same_alert_two_connectors/defender-for-cloud.json', {'value': [mining]})
rows = [l for l in open('tests/data/sentinel/weft_securityalert_rows.ndjson')][:2]
with open(f'{S}/e_same_alert_two_connectors/sentinel-securityalert.ndjson', 'w') as f: f.writelines(rows)

# (f) Two Defender for Cloud alerts on one VM, 3 days apart; (g) the same VM: alerts at 00:00 and
# 40:00 (apart under the 24 h window), then a late alert at 20:00 that bridges them.
res = f'/subscriptions/{sub}/resourceGroups/Batch-RG/providers/Microsoft.Compute/virtualMachines/batch01'
f_alerts = [mdc_alert('2518000000000000100_ffffffff-0000-4000-8000-000000000001', res, '2021-04-20T06:00:00.0000000Z', [], rg='Batch-RG'),
            mdc_alert('2518000000000000101_ffffffff-0000-4000-8000-000000000002', res, '2021-04-23T06:00:00.0000000Z', [], rg='Batch-RG')]
dump(f'{S}/f_outside_window/defender-for-cloud.json', {'value': f_alerts})
res = f'/subscriptions/{sub}/resourceGroups/Batch-RG/providers/Microsoft.Compute/virtualMachines/batch02'
g_first = [mdc_alert('2518000000000000200_99999999-0000-4000-8000-000000000001', res, '2021-04-20T00:00:00.0000000Z', [], rg='Batch-RG'),
           mdc_alert('2518000000000000201_99999999-0000-4000-8000-000000000002', res, '2021-04-21T16:00:00.0000000Z', [], rg='Batch-RG')]
g_late = [mdc_alert('2518000000000000202_99999999-0000-4000-8000-000000000003', res, '2021-04-20T20:00:00.0000000Z', [], rg='Batch-RG')]
dump(f'{S}/g_late_bridge/1-first.json', {'value': g_first})
dump(f'{S}/g_late_bridge/2-late.json', {'value': g_late})
