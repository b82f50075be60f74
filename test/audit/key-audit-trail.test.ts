import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { AuditTrail, EncryptionKey, KeyAuditTrail } from '../../src';
import { auditKey } from '../../src/audit/audit-key';
import { ComplianceBatch, formatFindings } from '../support/compliance';
import { TEST_ENV, testStack } from '../support/fixtures';
import { findCycle } from '../support/template-graph';

/** Stands in for an encrypted construct: a key plus the audit-trail choice. */
class Consumer extends Construct {
  public readonly trailArn?: string;
  constructor(scope: Construct, id: string, choice?: AuditTrail) {
    super(scope, id);
    const key = new EncryptionKey(this, 'Key', { protects: id });
    this.trailArn = auditKey(this, key, choice);
  }
}

describe('KeyAuditTrail', () => {
  test('a stack with three consumers has exactly one trail, and every key is watched', () => {
    const stack = testStack();
    new Consumer(stack, 'A');
    new Consumer(stack, 'B');
    new Consumer(stack, 'C');
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudTrail::Trail', 1);
    const rule = Object.values(template.findResources('AWS::Events::Rule'))[0];
    // three consumer keys, the trail's own key and the alert hub's two keys, listed once beside the two branches
    expect(rule.Properties.EventPattern.detail.resources.ARN).toHaveLength(6);
  });

  test('records management events with log file validation, to an encrypted, TLS-only, versioned, non-public bucket', () => {
    const stack = testStack();
    new Consumer(stack, 'A');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      EnableLogFileValidation: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      KMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^KeyAuditTrailKey'), 'Arn'] },
      CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^KeyAuditTrailLogGroup'), 'Arn'] },
      EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'All' }],
    });
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }, BucketKeyEnabled: true }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('AccessLogs') }, LogFilePrefix: 'trail-bucket/' },
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: Match.anyValue() });
  });

  test('the trail key lets CloudTrail write only for this trail, and CloudWatch Logs only for this log group', () => {
    const stack = testStack();
    const trail = KeyAuditTrail.of(stack);
    const template = Template.fromStack(stack);
    const trailArn = stack.resolve(trail.trailArn);
    expect(trailArn).toMatch(/^arn:aws:cloudtrail:eu-west-1:111122223333:trail\//);
    const keyLogicalId = stack.getLogicalId(trail.encryptionKey.node.defaultChild as any);
    const statements = template.toJSON().Resources[keyLogicalId].Properties.KeyPolicy.Statement;
    expect(statements).toContainEqual(expect.objectContaining({
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:GenerateDataKey*',
      Condition: {
        StringEquals: { 'aws:SourceArn': trailArn, 'aws:SourceAccount': '111122223333' },
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:*:111122223333:trail/*' },
      },
    }));
    const logGroupName = `/cdk-encrypted-constructs/key-audit/${trailArn.split('trail/')[1]}`;
    expect(statements).toContainEqual(expect.objectContaining({
      Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
      Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:eu-west-1:111122223333:log-group:${logGroupName}` } },
    }));
  });

  test('CloudTrail delivers to CloudWatch Logs through a role with a customer managed policy, not an inline one', () => {
    const stack = testStack();
    KeyAuditTrail.of(stack);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] })] },
    });
  });

  test('key-tampering calls on watched keys go to an encrypted topic', () => {
    const stack = testStack();
    new Consumer(stack, 'A');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.kms'],
        'detail-type': ['AWS API Call via CloudTrail'],
        'detail': {
          $or: [
            Match.objectLike({ eventName: Match.arrayWith(['DisableKey', 'PutKeyPolicy', 'ScheduleKeyDeletion']) }),
            Match.objectLike({ eventName: ['CreateGrant', 'RetireGrant', 'RevokeGrant'] }),
          ],
        },
      },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('AlertTopic') }, DeadLetterConfig: Match.anyValue() })],
    });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    // only the rule may publish; the topic key lets EventBridge generate and decrypt data keys without conditions, as
    // SNS requires ("Adding the aws:SourceAccount, aws:SourceArn, and aws:SourceOrgID to a AWS KMS policy is not
    // supported for EventBridge-to-encrypted topics"); every other service statement carries conditions
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sns:Publish', Condition: { ArnEquals: { 'aws:SourceArn': [Match.stringLikeRegexp('^arn:aws:events:eu-west-1:111122223333:rule/')] } } })]) },
    });
    const keys = Object.values(template.findResources('AWS::KMS::Key'));
    const unconditioned: string[] = [];
    for (const key of keys) {
      for (const s of key.Properties.KeyPolicy.Statement) {
        if (s.Effect === 'Allow' && s.Principal.Service && s.Condition === undefined) unconditioned.push(`${s.Principal.Service} ${[s.Action].flat().join(',')}`);
      }
    }
    expect(unconditioned).toEqual(['events.amazonaws.com kms:GenerateDataKey,kms:Decrypt']);
  });

  test('options: single-region, log retention', () => {
    const stack = testStack();
    KeyAuditTrail.of(stack, { multiRegion: false, logRetention: logs.RetentionDays.TEN_YEARS });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudTrail::Trail', { IsMultiRegionTrail: false });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 3653 });
  });

  test.each([
    ['a retention CloudWatch Logs does not offer', { logRetention: 42 as logs.RetentionDays }, 'logRetention: got 42 days; allowed: 1, 3, 5, 7, 14, 30'],
    ['a negative retention', { logRetention: -1 as logs.RetentionDays }, 'logRetention: got -1 days; allowed:'],
    ['a null prop (JavaScript)', { alertTopic: null as any }, 'alertTopic: got null; omit the prop instead'],
  ])('refuses %s, naming the construct path and the prop', (_name, props, message) => {
    expect(() => new KeyAuditTrail(testStack(), 'Trail', props)).toThrow(message);
    expect(() => new KeyAuditTrail(testStack(), 'Trail', props)).toThrow('invalid props for TestStack/Trail:');
  });

  test('accepts every retention CloudWatch Logs offers, and infinite', () => {
    for (const days of [logs.RetentionDays.ONE_DAY, logs.RetentionDays.THIRTEEN_MONTHS, logs.RetentionDays.TEN_YEARS, logs.RetentionDays.INFINITE]) {
      expect(() => new KeyAuditTrail(testStack(), 'Trail', { logRetention: days })).not.toThrow();
    }
  });

  test('a single-region library trail refuses to serve a stack of another region (its tampering rules would never fire)', () => {
    const app = new App();
    const home = new Stack(app, 'Home', { env: { account: '111122223333', region: 'eu-west-1' } });
    KeyAuditTrail.of(home, { multiRegion: false });
    new Consumer(home, 'SameRegion'); // the trail records this region: fine
    const away = new Stack(app, 'Away', { env: { account: '111122223333', region: 'us-east-1' } });
    expect(() => new Consumer(away, 'OtherRegion')).toThrow(/Away\/OtherRegion: auditTrail: the account's library trail Home\/KeyAuditTrail records only region eu-west-1 \(multiRegion: false\), but this construct is in region us-east-1/);
    const agnostic = new Stack(app, 'Agnostic', { env: { account: '111122223333' } });
    expect(() => new Consumer(agnostic, 'Unknown')).toThrow(/this construct is in a region known only at deploy time/);
  });

  test('an existing trail or none creates no trail; with an existing trail the key still has its tampering alert', () => {
    const stack = testStack();
    const existing = new Consumer(stack, 'A', AuditTrail.fromTrailArn('arn:aws:cloudtrail:eu-west-1:999988887777:trail/org'));
    const none = new Consumer(stack, 'B', AuditTrail.none());
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudTrail::Trail', 0);
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    // the stack's KeyTamperingAlert: A's key and the alert hub's two keys (topic, dead letters), not B's
    expect(rules.filter(r => r.Properties.EventPattern.source[0] === 'aws.kms')).toHaveLength(1);
    expect(rules[0].Properties.EventPattern.detail.resources.ARN).toHaveLength(3);
    expect(existing.trailArn).toBe('arn:aws:cloudtrail:eu-west-1:999988887777:trail/org');
    expect(none.trailArn).toBeUndefined();
  });

  test('the app-wide context key turns trails off everywhere; a construct\'s own choice still wins', () => {
    const app = new App({ context: { [KeyAuditTrail.CONTEXT_KEY]: 'none' } });
    const a = new Stack(app, 'A', { env: TEST_ENV });
    const b = new Stack(app, 'B', { env: TEST_ENV });
    const c = new Stack(app, 'C', { env: TEST_ENV });
    new Consumer(a, 'X');
    new Consumer(b, 'Y');
    new Consumer(c, 'Z', AuditTrail.stackShared());
    Template.fromStack(a).resourceCountIs('AWS::CloudTrail::Trail', 0);
    Template.fromStack(b).resourceCountIs('AWS::CloudTrail::Trail', 0);
    Template.fromStack(c).resourceCountIs('AWS::CloudTrail::Trail', 1);
  });

  test('a bad context value fails with a clear message', () => {
    const stack = testStack('S', { [KeyAuditTrail.CONTEXT_KEY]: 'sometimes' });
    expect(() => new Consumer(stack, 'A')).toThrow('context cdk-encrypted-constructs:auditTrail: got "sometimes"; allowed are "account", "none" or an existing trail\'s ARN');
  });

  test('forms no dependency cycle', () => {
    const stack = testStack();
    new Consumer(stack, 'A');
    expect(findCycle(Template.fromStack(stack).toJSON())).toBeUndefined();
  });

  test('has no unacknowledged cdk-nag or Control Tower findings, default and fullest configuration', () => {
    const batch = new ComplianceBatch();
    const plain = batch.add(testStack('Plain'));
    new Consumer(plain, 'A');
    const full = batch.add(testStack('Full'));
    KeyAuditTrail.of(full, { multiRegion: false, logRetention: logs.RetentionDays.TEN_YEARS });
    new Consumer(full, 'A');
    expect(formatFindings(batch.unacknowledged(plain))).toEqual([]);
    expect(formatFindings(batch.unacknowledged(full))).toEqual([]);
  });

  test('synthesis is byte-identical twice', () => {
    const synth = () => {
      const stack = testStack();
      new Consumer(stack, 'A');
      new Consumer(stack, 'B');
      return JSON.stringify(Template.fromStack(stack).toJSON());
    };
    expect(synth()).toBe(synth());
  });
});

describe('AuditTrail.fromTrailArn and the context key take only trail ARNs', () => {
  test.each([
    ['a bucket ARN', 'arn:aws:s3:::my-bucket'],
    ['a trail ARN without a name', 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/'],
    ['a name of two characters', 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/ab'],
    ['a name ending in a dash', 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-'],
    ['a short account', 'arn:aws:cloudtrail:eu-west-1:1111:trail/org'],
  ])('rejects %s', (_name, arn) => {
    expect(() => AuditTrail.fromTrailArn(arn)).toThrow(`invalid AuditTrail.fromTrailArn:\n  - trailArn: got ${JSON.stringify(arn)}; must be a CloudTrail trail ARN`);
    const stack = testStack('S', { [KeyAuditTrail.CONTEXT_KEY]: arn });
    expect(() => new Consumer(stack, 'A')).toThrow('invalid context cdk-encrypted-constructs:auditTrail:\n  - trailArn');
  });

  test.each([
    'arn:aws:cloudtrail:eu-west-1:111122223333:trail/org',
    'arn:aws-us-gov:cloudtrail:us-gov-west-1:111122223333:trail/aws-controltower-BaselineCloudTrail',
    `arn:aws:cloudtrail:eu-west-1:111122223333:trail/${'a'.repeat(128)}`,
  ])('accepts %s', arn => {
    expect(AuditTrail.fromTrailArn(arn).trailArn).toBe(arn);
  });
});
