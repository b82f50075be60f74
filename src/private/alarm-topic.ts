import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IConstruct } from 'constructs';
import { shortHash, stackEnvironment } from './arns';
import { addKeyStatements } from '../key/key-policy';
import { KeyPolicyStatements } from '../key/statements';

/**
 * Lets CloudWatch publish these alarms to the topic, through the topic's policy and, for an encrypted topic, its key.
 *
 * - Topic policy: needed whenever the topic has a policy of its own (e.g. the TLS deny that `enforceSSL` adds): an
 *   `AWS::SNS::TopicPolicy` replaces the topic's default policy, so without this statement CloudWatch may not publish
 *   and the alarms never notify. Confined to the alarms (`aws:SourceArn`) of this account (`aws:SourceAccount`), as the
 *   CloudWatch guide recommends. An imported topic's policy is not ours to edit (CDK ignores the statement).
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
  topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: `CloudWatchAlarms${shortHash(scope.node.path)}`,
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: {
      StringEquals: { 'aws:SourceAccount': Stack.of(scope).account },
      ArnEquals: { 'aws:SourceArn': alarms.map(a => a.alarmArn) },
    },
  }));
  if (topic.masterKey) addToTopicKey(KeyPolicyStatements.topic({ ...env, servicePrincipals: ['cloudwatch.amazonaws.com'] }));
}
