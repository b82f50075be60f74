import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { stackEnvironment } from './arns';
import { allowFromSources } from './shared-statements';
import { EncryptionKey } from '../key/encryption-key';
import { addKeyStatements } from '../key/key-policy';
import { KeyPolicyStatements } from '../key/statements';

/**
 * Lets CloudWatch publish these alarms to the topic, through the topic's policy and, for an encrypted topic, its key.
 *
 * - Topic policy: needed whenever the topic has a policy of its own (e.g. the TLS deny that `enforceSSL` adds): an
 *   `AWS::SNS::TopicPolicy` replaces the topic's default policy, so without this statement CloudWatch may not publish
 *   and the alarms never notify. Confined to the alarms (`aws:SourceArn`) of this account (`aws:SourceAccount`), as the
 *   CloudWatch guide recommends. ONE statement per topic lists the alarms of every construct that notifies it (SNS
 *   accepts 100 statements per topic policy; a statement per construct would reach that in a large stack). An imported
 *   topic's policy is not ours to edit (CDK ignores the statement).
 * - Key policy: `cloudwatch.amazonaws.com` may generate and decrypt data keys for this account (or, for a key this
 *   stack cannot edit, the acknowledgeable warning lists the statement). `addToTopicKey` lets a construct gather them
 *   with its other statements for the same key (one warning, one policy to paste, for a key it cannot edit).
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html#SNS_Confused_Deputy
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
 */
export function allowAlarmsToPublish(scope: IConstruct, topic: sns.ITopic, alarms: cloudwatch.IAlarm[], purpose: string,
  addToTopicKey: (statements: iam.PolicyStatement[]) => void = statements => addKeyStatements(scope, topic.masterKey!, statements, purpose)): void {
  if (alarms.length === 0) return;
  const env = stackEnvironment(scope);
  allowFromSources(topic, {
    sid: 'CloudWatchAlarmsOfEncryptedConstructs',
    principal: new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
    action: 'sns:Publish',
    sourceAccount: Stack.of(scope).account,
  }, alarms.map(a => a.alarmArn));
  if (topic.masterKey) addToTopicKey(KeyPolicyStatements.topic({ ...env, servicePrincipals: ['cloudwatch.amazonaws.com'] }));
}

/**
 * One SNS topic per stack for the library's alarms that were given no topic (schedules, archives and RDS instances
 * without `alarmTopic`): an alarm without an action fails AWS
 * Control Tower's CT.CLOUDWATCH.PR.1 (`cloudwatch_alarm_action_check`, a CloudFormation hook on `AlarmActions`), and a
 * topic (with its key) per construct would multiply resources and subscriptions. Created on first need as the child
 * `EncryptedConstructsAlarmTopic` of the stack (of a nested stack, for constructs in one), with the topic at `Resource`
 * and its key at `Key`: a customer managed key of its own (CloudWatch cannot publish to a topic on the AWS managed
 * `alias/aws/sns` key), TLS enforced by the topic policy. Each construct adds its alarms to the topic policy's one
 * CloudWatch statement through {@link allowAlarmsToPublish}: only the library's alarms, only from this account.
 *
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/cloudwatch-rules.html
 */
export class SharedAlarmTopic extends Construct {
  /** The construct id of the shared topic, a child of the stack. */
  public static readonly ID = 'EncryptedConstructsAlarmTopic';

  /** The shared alarm topic of the stack of `scope`, created on first call. */
  public static of(scope: IConstruct): sns.Topic {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(SharedAlarmTopic.ID);
    return (existing instanceof SharedAlarmTopic ? existing : new SharedAlarmTopic(stack, SharedAlarmTopic.ID)).topic;
  }

  /** The topic. */
  public readonly topic: sns.Topic;
  /** The key that encrypts the topic's messages. */
  public readonly key: EncryptionKey;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new EncryptionKey(this, 'Key', { protects: 'the alarm notifications of cdk-encrypted-constructs in this stack' });
    this.topic = new sns.Topic(this, 'Resource', {
      displayName: 'cdk-encrypted-constructs alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
  }
}
