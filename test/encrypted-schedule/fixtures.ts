import { Stack, TimeZone } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { EncryptionKey } from '../../src';
import { EncryptedSchedule, EncryptedScheduleProps } from '../../src/encrypted-schedule';
import { Finding } from '../support/compliance';

/** The user's own resources the schedules target, all under `<stack>/Fixtures` (their findings are not ours). */
export class Fixtures extends Construct {
  public readonly key: EncryptionKey;
  public readonly fn: lambda.Function;
  public readonly queue: sqs.Queue;
  public readonly topic: sns.Topic;
  public readonly stateMachine: sfn.StateMachine;
  public readonly bus: events.EventBus;

  constructor(scope: Construct) {
    super(scope, 'Fixtures');
    this.key = new EncryptionKey(this, 'Key', { protects: 'the test targets' });
    this.fn = new lambda.Function(this, 'Function', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};') });
    this.queue = new sqs.Queue(this, 'Queue', { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: this.key, enforceSSL: true });
    this.topic = new sns.Topic(this, 'Topic', { masterKey: this.key, enforceSSL: true });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(this, 'Pass')) });
    this.bus = new events.EventBus(this, 'Bus');
  }
}

/** The example: a nightly Lambda job at 02:00 London time with a small JSON payload. */
export function nightly(stack: Stack, fixtures: Fixtures = new Fixtures(stack), props: Partial<EncryptedScheduleProps> = {}, id = 'Nightly'): EncryptedSchedule {
  return new EncryptedSchedule(stack, id, {
    schedule: scheduler.ScheduleExpression.cron({ hour: '2', minute: '0', timeZone: TimeZone.EUROPE_LONDON }),
    target: new targets.LambdaInvoke(fixtures.fn, { input: scheduler.ScheduleTargetInput.fromObject({ job: 'report' }) }),
    ...props,
  });
}

/** The statements of a schedule's execution-role policy. */
export function executionStatements(template: Template, path = 'TestStack/Nightly'): any[] {
  const policies = template.findResources('AWS::IAM::ManagedPolicy', {
    Properties: { Description: `Permissions of the EventBridge Scheduler schedule ${path}: its target, its payload key, its dead-letter queue` },
  });
  expect(Object.keys(policies)).toHaveLength(1);
  return (Object.values(policies)[0] as any).Properties.PolicyDocument.Statement;
}

/** The key policy statements of a key. */
export function keyPolicy(template: Template, stack: Stack, key: { node: { defaultChild?: unknown } }): any[] {
  return template.toJSON().Resources[stack.getLogicalId(key.node.defaultChild as any)].Properties.KeyPolicy.Statement;
}

/** Findings outside the user's fixtures. */
export function ours(findings: Finding[]): Finding[] {
  return findings.filter(f => !/^[^/]+\/Fixtures\//.test(f.path));
}
