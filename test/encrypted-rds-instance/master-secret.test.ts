import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { compliantVpc } from './fixtures';
import { AlertRouting, AuditTrail, KeyTamperingAlert } from '../../src';
import { EncryptedRdsInstance, EncryptedRdsInstanceProps } from '../../src/encrypted-rds-instance';
import { rotationScheduleExpression } from '../../src/services/secretsmanager/rotation';
import { formatFindings, unacknowledgedFindings } from '../support/compliance';
import { testStack } from '../support/fixtures';

const POSTGRES = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 });
const MANUAL_WARNING = 'cdk-encrypted-constructs:rds-master-secret-rotation-manual';

function logicalId(stack: Stack, construct: any): string {
  return stack.getLogicalId((construct.node.defaultChild ?? construct) as any);
}

function keyArnOf(stack: Stack, key: any): unknown {
  return { 'Fn::GetAtt': [logicalId(stack, key), 'Arn'] };
}

function warningsOf(stack: Stack): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(MANUAL_WARNING)).map(w => String(w.entry.data));
}

describe('EncryptedRdsInstance: master secret rotation and its failure alert', () => {
  // Two stacks, each synthesized once: the default (the account trail audits the key, so the stack's alert hub
  // exists), and AuditTrail.none() with a 30-day period (the instance's own alert topic; nag runs before synthesis).
  let audited: Stack;
  let auditedDb: EncryptedRdsInstance;
  let auditedTemplate: Template;
  let unaudited: Stack;
  let unauditedDb: EncryptedRdsInstance;
  let unauditedTemplate: Template;
  let unauditedFindings: string[];

  beforeAll(() => {
    audited = testStack('Audited');
    auditedDb = new EncryptedRdsInstance(audited, 'Db', { engine: POSTGRES, vpc: compliantVpc(audited) });
    auditedTemplate = Template.fromStack(audited);
    unaudited = testStack('Unaudited');
    unauditedDb = new EncryptedRdsInstance(unaudited, 'Db', {
      engine: POSTGRES, vpc: compliantVpc(unaudited), auditTrail: AuditTrail.none(), masterSecretRotation: Duration.days(30),
    });
    unauditedFindings = formatFindings(unacknowledgedFindings(unaudited));
    unauditedTemplate = Template.fromStack(unaudited);
  });

  test('no rotation schedule is written (CloudFormation documents none for an RDS-managed secret): RDS keeps its own', () => {
    auditedTemplate.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    unauditedTemplate.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    expect(warningsOf(audited)).toEqual([]);
  });

  test('a period other than RDS\'s 7 days warns, acknowledgeably, with the one command that sets it', () => {
    const warnings = warningsOf(unaudited);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('masterSecretRotation is 30 days, but CloudFormation documents no way to set the rotation schedule of a secret RDS manages');
    expect(warnings[0]).toContain('aws secretsmanager rotate-secret --secret-id <MasterUserSecret.SecretArn of RDS DB instance unaudited-db-');
    expect(warnings[0]).toContain('--rotation-rules \'{"ScheduleExpression":"rate(30 days)"}\'');
    expect(warnings[0]).toContain(`[ack: ${MANUAL_WARNING}]`);
  });

  test('the rule matches exactly Secrets Manager\'s failed rotations of this master secret, by its full ARN', () => {
    const rule = auditedTemplate.toJSON().Resources[logicalId(audited, auditedDb.masterSecretRotationFailureRule)];
    expect(rule.Properties.EventPattern).toEqual({
      'source': ['aws.secretsmanager'],
      'detail-type': ['AWS Service Event via CloudTrail'],
      'detail': {
        eventSource: ['secretsmanager.amazonaws.com'],
        eventName: ['RotationFailed', 'TestRotationFailed'],
        additionalEventData: { SecretId: [{ 'Fn::GetAtt': [logicalId(audited, auditedDb.instance), 'MasterUserSecret.SecretArn'] }] },
      },
    });
    expect(rule.Properties.Name).toBe('Audited-Db-B81BA173-rotation-failed');
  });

  test('audited stack: the rule delivers to the stack\'s alert topic and dead-letters into its alert queue, neither on the instance\'s key', () => {
    const hub = KeyTamperingAlert.of(audited);
    expect(auditedDb.masterSecretAlertTopic).toBe(hub.alertTopic);
    const rule = auditedTemplate.toJSON().Resources[logicalId(audited, auditedDb.masterSecretRotationFailureRule)];
    expect(rule.Properties.Targets).toEqual([{
      Id: 'Target0',
      Arn: { Ref: logicalId(audited, hub.alertTopic) },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(audited, hub.alertDeadLetterQueue), 'Arn'] } },
      RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
    }]);
    const resources = auditedTemplate.toJSON().Resources;
    expect(resources[logicalId(audited, hub.alertTopic)].Properties.KmsMasterKeyId).toEqual(keyArnOf(audited, hub.alertKey));
    expect(resources[logicalId(audited, hub.alertDeadLetterQueue)].Properties.KmsMasterKeyId).toEqual(keyArnOf(audited, hub.deadLetterKey));
    expect([hub.alertKey, hub.deadLetterKey]).not.toContain(auditedDb.encryptionKey);
    // the topic's and queue's policies let EventBridge send for this rule
    const ruleArn = 'arn:aws:events:eu-west-1:111122223333:rule/Audited-Db-B81BA173-rotation-failed';
    expect(JSON.stringify(resources[logicalId(audited, hub.alertTopic.node.findChild('Policy'))].Properties)).toContain(ruleArn);
    expect(JSON.stringify(resources[logicalId(audited, hub.alertDeadLetterQueue.node.findChild('Policy'))].Properties)).toContain(ruleArn);
  });

  test('an alarm on the rule\'s failed deliveries is heard through the stack\'s alarm topic, on another key again', () => {
    const alarm = auditedDb.node.findChild('MasterSecretRotationFailureRuleDeliveryFailures');
    const props = auditedTemplate.toJSON().Resources[logicalId(audited, alarm)].Properties;
    expect(props.AlarmActions).toEqual([{ Ref: 'EncryptedConstructsAlarmTopicA5832F54' }]);
    expect(props.Metrics.filter((m: any) => m.MetricStat).map((m: any) => [m.MetricStat.Metric.MetricName, m.MetricStat.Metric.Dimensions])).toEqual([
      ['FailedInvocations', [{ Name: 'RuleName', Value: 'Audited-Db-B81BA173-rotation-failed' }]],
      ['InvocationsFailedToBeSentToDlq', [{ Name: 'RuleName', Value: 'Audited-Db-B81BA173-rotation-failed' }]],
    ]);
  });

  test('AuditTrail.none(): the instance\'s own alert key, topic and dead-letter queue (as a connection\'s), none on the instance\'s key, reached by AlertRouting', () => {
    const topic = unauditedDb.masterSecretAlertTopic as sns.Topic;
    expect(topic.node.path).toBe('Unaudited/Db/AlertTopic');
    const alertKey = unauditedDb.node.findChild('AlertKey');
    const queue = unauditedDb.node.findChild('AlertDeadLetterQueue');
    const resources = unauditedTemplate.toJSON().Resources;
    expect(resources[logicalId(unaudited, topic)].Properties.KmsMasterKeyId).toEqual(keyArnOf(unaudited, alertKey));
    expect(resources[logicalId(unaudited, queue)].Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': ['EncryptedConstructsAlarmTopicKey08F1F8E0', 'Arn'] });
    expect(alertKey).not.toBe(unauditedDb.encryptionKey);
    const rule = resources[logicalId(unaudited, unauditedDb.masterSecretRotationFailureRule)];
    expect(rule.Properties.Targets).toEqual([expect.objectContaining({
      Arn: { Ref: logicalId(unaudited, topic) }, DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(unaudited, queue), 'Arn'] } },
    })]);
    unauditedTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmDescription: Match.stringLikeRegexp('^A master secret rotation-failure alert of RDS DB instance') });
    expect(unaudited.node.tryFindChild(KeyTamperingAlert.ID)).toBeUndefined();
    expect(AlertRouting.topicsOf(unaudited)).toContain(topic);
  });

  test('AuditTrail.none() with its own alert topic: zero unacknowledged findings across the five cdk-nag packs and Control Tower', () => {
    expect(unauditedFindings).toEqual([]);
  });
});

describe('EncryptedRdsInstance: masterSecretRotation is checked at synth time', () => {
  function build(period: Duration): Error | undefined {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    try {
      new EncryptedRdsInstance(stack, 'Db', { engine: POSTGRES, vpc, masterSecretRotation: period } as EncryptedRdsInstanceProps);
    } catch (e) {
      return e as Error;
    }
    return undefined;
  }

  test.each([
    ['3 hours, under Secrets Manager\'s four', Duration.hours(3), 'masterSecretRotation: got 3 hours'],
    ['90 minutes, not whole hours', Duration.minutes(90), 'masterSecretRotation: got 1.5 hours'],
    ['25 hours, over a day but not whole days', Duration.hours(25), 'masterSecretRotation: got 25 hours'],
    ['1000 days, over the 999 of a rate expression', Duration.days(1000), 'masterSecretRotation: got 1000 days'],
    ['zero', Duration.days(0), 'masterSecretRotation: got 0 days'],
  ])('refuses %s, naming the construct path, the prop and what is allowed', (_name, period, given) => {
    const error = build(period);
    expect(error?.name).toBe('PropValidationError');
    expect(error?.message).toContain('invalid props for TestStack/Db:');
    expect(error?.message).toContain(`${given}; must be a whole number of hours from 4 to 23, or of days from 1 to 999`);
  });

  test.each([
    ['4 hours', Duration.hours(4)],
    ['23 hours', Duration.hours(23)],
    ['240 minutes', Duration.minutes(240)],
    ['1 day', Duration.days(1)],
    ['999 days', Duration.days(999)],
  ])('accepts %s, the edge of what Secrets Manager takes', (_name, period) => {
    expect(build(period)).toBeUndefined();
  });

  test('each accepted period becomes the schedule expression the warning\'s command sets', () => {
    expect([4, 23, 24, 7 * 24, 999 * 24].map(rotationScheduleExpression)).toEqual(['rate(4 hours)', 'rate(23 hours)', 'rate(1 day)', 'rate(7 days)', 'rate(999 days)']);
    expect([3, 1.5, 25, 1000 * 24].map(rotationScheduleExpression)).toEqual([undefined, undefined, undefined, undefined]);
  });

  test('7 days, RDS\'s own schedule, needs no command and no warning', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new EncryptedRdsInstance(stack, 'Db', { engine: POSTGRES, vpc, masterSecretRotation: Duration.hours(168) });
    expect(warningsOf(stack)).toEqual([]);
  });
});
