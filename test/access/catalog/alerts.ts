/**
 * Alerts and dead letters: EventBridge rules delivering to SNS topics and SQS dead-letter queues, CloudWatch alarms
 * publishing to SNS topics, Lambda dead-letter queues — each through the topic's or queue's policy and its key.
 */
import { externalRole, roleCaller } from '../evaluator';
import { keyByArn, pathsFor, queueByArn, queueProducerPaths, roleByArn, topicByArn, via } from './common';
import { DOCS } from './docs';
import { AccessPath, Catalog, subjectOf } from './types';

export const alertsCatalog: Catalog = (world, principals) => {
  const out: AccessPath[] = [];
  const events = principals.service('events.amazonaws.com');
  const cloudwatch = principals.service('cloudwatch.amazonaws.com');

  for (const rule of world.ofType('AWS::Events::Rule')) {
    const props = world.properties(rule);
    const ruleArn = world.attribute(rule, 'Arn');
    const otherRuleArn = ruleArn.replace(/rule\/(.*)$/, 'rule/another-rule');
    const subject = subjectOf(rule);
    const path = pathsFor(subject);
    for (const target of props.Targets ?? []) {
      const topic = topicByArn(world, target.Arn);
      if (topic && !target.RoleArn) {
        const topicArn = world.ref(topic);
        const source = { 'aws:SourceArn': ruleArn, 'aws:SourceAccount': rule.account };
        out.push(
          path('alert', `EventBridge publishes the rule's events to the topic ${topic.logicalId}`, events, 'sns:Publish', topicArn, 'Allowed', DOCS.eventBridgeSnsTopicPolicy, source, ['aws:SourceAccount']),
          path('negative', `EventBridge cannot publish another rule's events to the topic ${topic.logicalId}`, events, 'sns:Publish', topicArn, 'Denied', DOCS.eventBridgeSnsTopicPolicy,
            { 'aws:SourceArn': otherRuleArn, 'aws:SourceAccount': rule.account }),
        );
        const key = keyByArn(world, world.properties(topic).KmsMasterKeyId);
        if (key) {
          // SNS: for EventBridge → encrypted topic, aws:SourceArn/aws:SourceAccount in the key policy are not supported.
          for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
            out.push(path('alert', `EventBridge uses ${key.logicalId} to publish to the encrypted topic ${topic.logicalId}`, events, action, world.attribute(key, 'Arn'), 'Allowed', DOCS.snsEventSourcesEncryptedTopics,
              { ...source, 'kms:ViaService': via(world, topic, 'sns') }, ['aws:SourceArn', 'aws:SourceAccount', 'kms:ViaService']));
          }
        }
      }
      const queue = queueByArn(world, target.DeadLetterConfig?.Arn);
      if (queue) {
        out.push(...queueProducerPaths(world, subject, 'alert', events, queue, { send: DOCS.eventBridgeDeadLetterQueue, key: DOCS.eventBridgeDeadLetterQueueKey },
          { 'aws:SourceArn': ruleArn, 'aws:SourceAccount': rule.account }, ['aws:SourceAccount']));
        out.push(path('negative', `EventBridge cannot dead-letter another rule's events into ${queue.logicalId}`, events, 'sqs:SendMessage', world.attribute(queue, 'Arn'), 'Denied', DOCS.eventBridgeDeadLetterQueue,
          { 'aws:SourceArn': otherRuleArn, 'aws:SourceAccount': rule.account }));
      }
    }
  }

  for (const alarm of world.ofType('AWS::CloudWatch::Alarm')) {
    const props = world.properties(alarm);
    const alarmArn = world.attribute(alarm, 'Arn');
    const path = pathsFor(subjectOf(alarm));
    const actions = new Set<string>([...props.AlarmActions ?? [], ...props.OKActions ?? [], ...props.InsufficientDataActions ?? []]);
    for (const action of actions) {
      const topic = topicByArn(world, action);
      if (!topic) continue;
      const source = { 'aws:SourceArn': alarmArn, 'aws:SourceAccount': alarm.account };
      out.push(path('alert', `CloudWatch publishes the alarm's state changes to the topic ${topic.logicalId}`, cloudwatch, 'sns:Publish', action, 'Allowed', DOCS.cloudWatchAlarmTopicPolicy, source));
      out.push(path('negative', `CloudWatch cannot publish another account's alarms to the topic ${topic.logicalId}`, cloudwatch, 'sns:Publish', action, 'Denied', DOCS.cloudWatchAlarmTopicPolicy,
        { 'aws:SourceArn': alarmArn.replace(alarm.account, '999988887777'), 'aws:SourceAccount': '999988887777' }));
      const key = keyByArn(world, world.properties(topic).KmsMasterKeyId);
      if (key) {
        for (const kmsAction of ['kms:GenerateDataKey', 'kms:Decrypt']) {
          out.push(path('alert', `CloudWatch uses ${key.logicalId} to publish to the encrypted topic ${topic.logicalId}`, cloudwatch, kmsAction, world.attribute(key, 'Arn'), 'Allowed', DOCS.snsEventSourcesEncryptedTopics,
            { ...source, 'kms:ViaService': via(world, topic, 'sns') }, ['aws:SourceArn', 'kms:ViaService']));
        }
        out.push(path('negative', `CloudWatch cannot use ${key.logicalId} for another account's alarms`, cloudwatch, 'kms:GenerateDataKey', world.attribute(key, 'Arn'), 'Denied', DOCS.snsEventSourcesEncryptedTopics,
          { 'aws:SourceArn': alarmArn.replace(alarm.account, '999988887777'), 'aws:SourceAccount': '999988887777' }));
      }
    }
  }

  // AlertRouting's subscriptions: CloudFormation subscribes each endpoint with the deploying role's credentials; SNS
  // then delivers email and HTTPS decrypted, with no key call of the subscriber's (the failure-path proof requires
  // every topic that hears a failure to have one). Another account's principals are not in the topic policy.
  for (const subscription of world.ofType('AWS::SNS::Subscription')) {
    const topicArn = world.properties(subscription).TopicArn;
    const topic = topicByArn(world, topicArn);
    if (!topic) continue;
    const path = pathsFor(subjectOf(subscription));
    const deployer = externalRole('the deploying role (CloudFormation)', `arn:${subscription.partition}:iam::${subscription.account}:role/cdk-hnb659fds-cfn-exec-role`,
      [{ name: 'AdministratorAccess', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }]);
    out.push(path('deploy', `CloudFormation subscribes ${world.properties(subscription).Protocol} to the topic ${topic.logicalId} over TLS`, deployer, 'sns:Subscribe', topicArn, 'Allowed', DOCS.snsSubscribe,
      { 'aws:SecureTransport': 'true' }));
    const stranger = externalRole('an administrator of another account', 'arn:aws:iam::999988887777:role/Admin',
      [{ name: 'AdministratorAccess', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }]);
    out.push(path('negative', `another account cannot subscribe to the topic ${topic.logicalId} (the alerts name keys and resources)`, stranger, 'sns:Subscribe', topicArn, 'Denied', DOCS.snsSubscribe,
      { 'aws:SecureTransport': 'true' }));
  }

  for (const fn of world.ofType('AWS::Lambda::Function')) {
    const props = world.properties(fn);
    const queue = queueByArn(world, props.DeadLetterConfig?.TargetArn);
    const role = roleByArn(world, props.Role);
    if (queue && role) {
      out.push(...queueProducerPaths(world, subjectOf(fn), 'runtime', roleCaller(world, role, `execution role of ${fn.logicalId}`), queue,
        { send: DOCS.lambdaDeadLetterQueue, key: DOCS.lambdaDeadLetterQueue }));
    }
  }
  return out;
};
