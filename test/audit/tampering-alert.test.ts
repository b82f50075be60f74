import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EncryptionKey, KeyAuditTrail } from '../../src';
import { tamperingEventPattern } from '../../src/audit/tampering-alert';
import { matchesPattern } from '../support/event-pattern';
import { TEST_ENV } from '../support/fixtures';

const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const OTHER_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321';

/** An EventBridge "AWS API Call via CloudTrail" event for a KMS call, as CloudTrail records it. */
function kmsCall(eventName: string, userIdentity: Record<string, unknown>, key = KEY): Record<string, unknown> {
  return {
    'version': '0',
    'source': 'aws.kms',
    'detail-type': 'AWS API Call via CloudTrail',
    'account': '111122223333',
    'region': 'eu-west-1',
    'detail': {
      eventVersion: '1.08',
      userIdentity,
      eventSource: 'kms.amazonaws.com',
      eventName,
      awsRegion: 'eu-west-1',
      resources: [{ accountId: '111122223333', type: 'AWS::KMS::Key', ARN: key }],
    },
  };
}

const USER = { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/Admin/alice', accountId: '111122223333' };
const IAM_USER = { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/bob', accountId: '111122223333' };
/** A call an AWS service made on a user's behalf (forward access session): the user's identity, `invokedBy` the service. */
const VIA = (service: string) => ({ ...USER, invokedBy: service });
/** A call an AWS service made in its own name. */
const SERVICE = (service: string) => ({ type: 'AWSService', invokedBy: service });

describe('the key-tampering alert', () => {
  const pattern = tamperingEventPattern([KEY]) as unknown as Record<string, unknown>;
  const rendered = JSON.parse(JSON.stringify(pattern).replace('"detailType"', '"detail-type"'));

  test.each([
    ['RDS creating a grant for the DB instance\'s storage', kmsCall('CreateGrant', VIA('rds.amazonaws.com'))],
    ['EBS creating a grant for a volume', kmsCall('CreateGrant', VIA('ec2.amazonaws.com'))],
    ['Secrets Manager creating a grant for the master secret', kmsCall('CreateGrant', VIA('secretsmanager.amazonaws.com'))],
    ['Secrets Manager retiring its grant', kmsCall('RetireGrant', SERVICE('secretsmanager.amazonaws.com'))],
    ['RDS retiring a grant', kmsCall('RetireGrant', SERVICE('rds.amazonaws.com'))],
    ['a routine Decrypt', kmsCall('Decrypt', USER)],
    ['a tampering call on a key the alert does not watch', kmsCall('DisableKey', USER, OTHER_KEY)],
  ])('does not fire for routine calls: %s', (_name, event) => {
    expect(matchesPattern(rendered, event)).toBe(false);
  });

  test.each([
    ['a user creating a grant by hand', kmsCall('CreateGrant', IAM_USER)],
    ['a role revoking a grant', kmsCall('RevokeGrant', USER)],
    ['a role retiring a grant', kmsCall('RetireGrant', USER)],
    ['disabling the key', kmsCall('DisableKey', USER)],
    ['scheduling the key\'s deletion', kmsCall('ScheduleKeyDeletion', IAM_USER)],
    ['replacing the key policy, even through CloudFormation', kmsCall('PutKeyPolicy', VIA('cloudformation.amazonaws.com'))],
    ['turning rotation off', kmsCall('DisableKeyRotation', USER)],
  ])('fires for tampering: %s', (_name, event) => {
    expect(matchesPattern(rendered, event)).toBe(true);
  });

  test('the rule in the template holds the same pattern, with every watched key', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: TEST_ENV });
    const key = new EncryptionKey(stack, 'Key', { protects: 'x' });
    KeyAuditTrail.of(stack).watchKey(key);
    const rule = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'))[0];
    const detail = rule.Properties.EventPattern.detail;
    expect(detail.$or).toHaveLength(2);
    for (const branch of detail.$or) expect(branch.resources.ARN).toHaveLength(2); // the trail's key and this one
    expect(detail.$or[1].userIdentity).toEqual({ invokedBy: [{ exists: false }], type: [{ 'anything-but': ['AWSService'] }] });
  });
});
