/**
 * One encrypted EventBridge bus and archive written by hand with aws-cdk-lib: a key whose policy lets
 * `events.amazonaws.com` use it only for this bus's encryption context, on behalf of this bus, archive (or a replay)
 * in this account; the bus and the archive with `KmsKeyIdentifier` set on their L1s (`EventBus.archive()` drops the
 * key); an SQS dead-letter queue on the key with a queue policy for this bus.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { handKey } from './common';

/** With `sharedKey`, the bus, archive and queue use that key, which gets this bus's statements (Sids end in `id`). */
export function handArchive(stack: Stack, id: string, sharedKey?: kms.Key): void {
  const scope = new Construct(stack, id);
  const { account, region, partition } = stack;
  // Fixed names: the key policy names the bus and archive ARNs, which through Fn::GetAtt would be a cycle.
  const eventBusName = `bench-${id}`;
  const archiveName = `bench-${id}`;
  const eventBusArn = stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: eventBusName });
  const archiveArn = stack.formatArn({ service: 'events', resource: 'archive', resourceName: archiveName });
  const replays = `arn:${partition}:events:${region}:${account}:replay/*`;
  const source = { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': [eventBusArn, archiveArn, replays] } };
  const eventsPrincipal = new iam.ServicePrincipal('events.amazonaws.com');

  const key = sharedKey ?? handKey(scope, `EventBridge event bus ${eventBusName} and its archive`);
  const sid = (name: string) => (sharedKey ? `${name}${id}` : name);
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: sid('EventBridgeDescribe'), principals: [eventsPrincipal], actions: ['kms:DescribeKey'], resources: ['*'], conditions: source,
  }));
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: sid('EventBridgeBusAndArchive'),
    principals: [eventsPrincipal],
    actions: ['kms:GenerateDataKey', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
    resources: ['*'],
    conditions: { ...source, StringEquals: { ...source.StringEquals, 'kms:EncryptionContext:aws:events:event-bus:arn': eventBusArn } },
  }));
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: sid('DeadLetterQueue'),
    principals: [eventsPrincipal],
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    resources: ['*'],
    conditions: { StringEquals: { 'kms:ViaService': `sqs.${region}.amazonaws.com`, 'aws:SourceAccount': account }, ArnEquals: { 'aws:SourceArn': eventBusArn } },
  }));

  const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  deadLetterQueue.addToResourcePolicy(new iam.PolicyStatement({
    principals: [eventsPrincipal],
    actions: ['sqs:SendMessage'],
    resources: [deadLetterQueue.queueArn],
    conditions: { ArnEquals: { 'aws:SourceArn': eventBusArn } },
  }));

  const bus = new events.EventBus(scope, 'Bus', { eventBusName, deadLetterQueue });
  (bus.node.defaultChild as events.CfnEventBus).kmsKeyIdentifier = key.keyArn;
  bus.applyRemovalPolicy(RemovalPolicy.RETAIN);
  const archive = new events.Archive(scope, 'Archive', {
    sourceEventBus: bus,
    archiveName,
    eventPattern: { source: ['com.example.orders'] },
    retention: Duration.days(365),
  });
  (archive.node.defaultChild as events.CfnArchive).kmsKeyIdentifier = key.keyArn;
  archive.applyRemovalPolicy(RemovalPolicy.RETAIN);
}
