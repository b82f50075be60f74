/**
 * EventBridge event bus logs delivered through CloudWatch Logs' vended-log resources (delivery source → delivery →
 * delivery destination) to a log group, an S3 bucket or a Firehose stream on a customer managed key: the records
 * travel encrypted with the bus key, the log delivery service decrypts them and writes them to the destination, which
 * encrypts them with its own key (CloudWatch Logs with the group's, S3 with the bucket's through the log delivery
 * service's data keys, Firehose through its own grant).
 */
import { keyByArn, pathsFor } from './common';
import { DOCS } from './docs';
import { AccessPath, Catalog, DocRef, Principals, subjectOf } from './types';
import { awsManagedPolicy, Caller, externalRole } from '../evaluator';
import { DeployedResource, DeployedWorld } from '../world';

const BUS_LOGS_KEY: DocRef = {
  url: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-bus-logs.html',
  quote: 'When sending logs, EventBridge encrypts the detail and error sections of each log record with the KMS key specified for the event bus. ... "kms:EncryptionContext:SourceArn": "arn:partition:logs:region:account:*" (events.amazonaws.com: kms:GenerateDataKey; delivery.logs.amazonaws.com: kms:Decrypt, kms:GenerateDataKey)',
};
const LOG_DELIVERY_WRITE: DocRef = {
  url: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-V2-CloudWatchLogs.html',
  quote: 'The log group where the logs are being sent must have a resource policy that includes certain permissions. (delivery.logs.amazonaws.com: logs:CreateLogStream, logs:PutLogEvents on the group\'s log streams, aws:SourceAccount = the account, aws:SourceArn like arn:aws:logs:<region>:<account>:*)',
};

const LOG_DELIVERY_S3: DocRef = {
  url: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-V2-S3.html',
  quote: 'The S3 bucket where the logs are being sent must have a resource policy that includes certain permissions. (delivery.logs.amazonaws.com: s3:PutObject on <bucket>/AWSLogs/<account>/*, s3:x-amz-acl = bucket-owner-full-control; s3:GetBucketAcl, s3:ListBucket on the bucket; aws:SourceAccount, aws:SourceArn like arn:aws:logs:<region>:<account>:*)',
};
const LOG_DELIVERY_S3_KEY: DocRef = {
  url: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-V2-S3.html',
  quote: 'Amazon S3 bucket server-side encryption: with SSE-KMS on a customer managed key, the key policy lets delivery.logs.amazonaws.com kms:GenerateDataKey*, with aws:SourceAccount and aws:SourceArn (docs are silent on kms:ViaService for these calls)',
};
const LOG_DELIVERY_FIREHOSE: DocRef = {
  url: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-V2-Firehose.html',
  quote: 'AWS creates a service-linked role named AWSServiceRoleForLogDelivery ... This service-linked role grants permission for all Firehose delivery streams that have the LogDeliveryEnabled tag set to true.',
};

const OUTSIDER_ACCOUNT = '999988887777';

/** The log delivery service's service-linked role, with its AWS managed policy (it puts records on Firehose streams). */
function logDeliveryRole(world: DeployedWorld, account: string) {
  return externalRole('the log delivery service-linked role', `arn:${world.target.partition}:iam::${account}:role/aws-service-role/delivery.logs.amazonaws.com/AWSServiceRoleForLogDelivery`,
    [awsManagedPolicy(`arn:${world.target.partition}:iam::aws:policy/aws-service-role/AWSServiceRoleForLogDeliveryPolicy`)]);
}

export const busLoggingCatalog: Catalog = (world, principals) => {
  const out: AccessPath[] = [];
  const events = principals.service('events.amazonaws.com');
  const delivery = principals.service('delivery.logs.amazonaws.com');
  for (const bus of world.ofType('AWS::Events::EventBus')) {
    const props = world.properties(bus);
    const busKey = keyByArn(world, props.KmsKeyIdentifier);
    if (!busKey || !props.LogConfig?.Level || props.LogConfig.Level === 'OFF') continue;
    const busArn = world.attribute(bus, 'Arn');
    const busKeyArn = world.attribute(busKey, 'Arn');
    const path = pathsFor(subjectOf(bus));
    const sources = world.ofType('AWS::Logs::DeliverySource').filter(s => world.properties(s).ResourceArn === busArn);
    if (sources.length === 0) throw new Error(`bus logging catalog: ${bus.logicalId} logs at ${props.LogConfig.Level} but no delivery source names it`);
    const logsArn = `arn:${bus.partition}:logs:${bus.region}:${bus.account}`;
    // the encryption context as the guide shows it, and as a delivery source's ARN would fill it in
    const documentedContext = `${logsArn}:*`;
    const outsiderContext = `arn:${bus.partition}:logs:${bus.region}:${OUTSIDER_ACCOUNT}:delivery-source:theirs`;

    const groups = new Set<DeployedResource>();
    const buckets = new Set<DeployedResource>();
    const streams = new Set<DeployedResource>();
    for (const source of sources) {
      const sourceArn = world.attribute(source, 'Arn');
      const logType = world.properties(source).LogType;
      for (const context of [sourceArn, documentedContext]) {
        const inTransit = { 'kms:EncryptionContext:SourceArn': context, 'aws:SourceArn': busArn, 'aws:SourceAccount': bus.account };
        out.push(
          path('runtime', `EventBridge encrypts the ${logType} records in transit with the bus key (context ${context === documentedContext ? 'as documented' : 'of the delivery source'})`,
            events, 'kms:GenerateDataKey', busKeyArn, 'Allowed', BUS_LOGS_KEY, inTransit, ['aws:SourceArn', 'aws:SourceAccount']),
        );
        for (const action of ['kms:Decrypt', 'kms:GenerateDataKey']) {
          out.push(path('runtime', `log delivery may ${action.slice(4)} the ${logType} records with the bus key`, delivery, action, busKeyArn, 'Allowed', BUS_LOGS_KEY,
            { 'kms:EncryptionContext:SourceArn': context, 'aws:SourceArn': sourceArn, 'aws:SourceAccount': bus.account }, ['aws:SourceArn', 'aws:SourceAccount']));
        }
      }

      for (const deliveryResource of world.ofType('AWS::Logs::Delivery').filter(d => world.properties(d).DeliverySourceName === world.ref(source))) {
        const destinationArn = world.properties(deliveryResource).DeliveryDestinationArn;
        const destination = world.ofType('AWS::Logs::DeliveryDestination').find(d => world.attribute(d, 'Arn') === destinationArn);
        if (!destination) throw new Error(`bus logging catalog: the delivery ${deliveryResource.logicalId} names no delivery destination of the world`);
        const groupArn = world.properties(destination).DestinationResourceArn;
        const fromSource = { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': bus.account };
        const bucket = world.ofType('AWS::S3::Bucket').find(b => world.attribute(b, 'Arn') === groupArn);
        if (bucket) {
          out.push(...bucketPaths(world, bucket, logType, fromSource, delivery));
          buckets.add(bucket);
          continue;
        }
        const firehose = world.ofType('AWS::KinesisFirehose::DeliveryStream').find(f => world.attribute(f, 'Arn') === groupArn);
        if (firehose) {
          out.push(...firehosePaths(world, firehose, logType));
          streams.add(firehose);
          continue;
        }
        const group = world.ofType('AWS::Logs::LogGroup').find(g => world.attribute(g, 'Arn') === `${groupArn}:*`);
        if (!group) continue;
        const stream = `${groupArn}:log-stream:${logType.toLowerCase()}-${world.ref(deliveryResource)}`;
        out.push(
          path('runtime', `log delivery creates a log stream for the ${logType} records`, delivery, 'logs:CreateLogStream', stream, 'Allowed', LOG_DELIVERY_WRITE, fromSource),
          path('runtime', `log delivery writes the ${logType} records`, delivery, 'logs:PutLogEvents', stream, 'Allowed', LOG_DELIVERY_WRITE, fromSource),
          path('negative', 'log delivery cannot write to the log group for a delivery source of another account', delivery, 'logs:PutLogEvents', stream, 'Denied', LOG_DELIVERY_WRITE,
            { 'aws:SourceArn': outsiderContext, 'aws:SourceAccount': OUTSIDER_ACCOUNT }),
        );
        groups.add(group);
      }
    }

    for (const group of groups) {
      const groupArn = world.attribute(group, 'Arn').replace(/:\*$/, '');
      const groupKey = keyByArn(world, world.properties(group).KmsKeyId);
      if (!groupKey) continue;
      const groupKeyArn = world.attribute(groupKey, 'Arn');
      // the log group must stay readable while the bus key is out of service
      if (groupKeyArn === busKeyArn) throw new Error(`bus logging catalog: the log group of ${bus.logicalId} is on the bus key`);
      const groupPath = pathsFor(subjectOf(group));
      const logs = principals.service(`logs.${group.region}.amazonaws.com`);
      for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
        out.push(groupPath('runtime', `CloudWatch Logs may ${action.slice(4)} for the bus log group`, logs, action, groupKeyArn, 'Allowed', DOCS.logsKeyPolicy,
          { 'kms:EncryptionContext:aws:logs:arn': groupArn }));
      }
      out.push(groupPath('negative', 'CloudWatch Logs cannot use the log group\'s key for another log group', logs, 'kms:Decrypt', groupKeyArn, 'Denied', DOCS.logsKeyPolicy,
        { 'kms:EncryptionContext:aws:logs:arn': groupArn.replace(/log-group:.*$/, 'log-group:another-group') }));
    }

    for (const bucket of buckets) out.push(...bucketKeyPaths(world, principals, bucket, busKeyArn, bus.account));
    // a stream's key: Firehose encrypts through its own grant, its producers need nothing on it; it must not be the bus key
    for (const stream of streams) {
      const streamKey = world.properties(stream).DeliveryStreamEncryptionConfigurationInput?.KeyARN;
      if (streamKey !== undefined && (keyByArn(world, streamKey) ? world.attribute(keyByArn(world, streamKey)!, 'Arn') : streamKey) === busKeyArn) {
        throw new Error(`bus logging catalog: the Firehose stream ${stream.logicalId} of ${bus.logicalId} is on the bus key`);
      }
    }

    out.push(
      path('negative', 'EventBridge cannot encrypt with the bus key under the logs context of another account', events, 'kms:GenerateDataKey', busKeyArn, 'Denied', BUS_LOGS_KEY,
        { 'kms:EncryptionContext:SourceArn': outsiderContext }),
      path('negative', 'log delivery cannot decrypt with the bus key under the logs context of another account', delivery, 'kms:Decrypt', busKeyArn, 'Denied', BUS_LOGS_KEY,
        { 'kms:EncryptionContext:SourceArn': outsiderContext }),
      path('negative', 'log delivery cannot decrypt the bus\'s events (the bus context, not the logs context)', delivery, 'kms:Decrypt', busKeyArn, 'Denied', BUS_LOGS_KEY,
        { 'kms:EncryptionContext:aws:events:event-bus:arn': busArn, 'aws:SourceArn': busArn, 'aws:SourceAccount': bus.account }),
      path('negative', 'a role of another account cannot decrypt the log records in transit', principals.outsider, 'kms:Decrypt', busKeyArn, 'Denied', DOCS.kmsCrossAccount,
        { 'kms:EncryptionContext:SourceArn': documentedContext }),
    );
  }
  return out;
};

/**
 * The log delivery service writes a bus's records to an S3 bucket: objects under `AWSLogs/<account>/` with the
 * bucket-owner-full-control ACL, and the bucket's ACL and listing. Where under `AWSLogs/<account>/` EventBridge's records
 * land is not documented: the path uses an object name the policy must allow wherever it is in that prefix.
 */
function bucketPaths(world: DeployedWorld, bucket: DeployedResource, logType: string, fromSource: Record<string, string>, delivery: Caller): AccessPath[] {
  const path = pathsFor(subjectOf(bucket));
  const bucketArn = world.attribute(bucket, 'Arn');
  const object = `${bucketArn}/AWSLogs/${bucket.account}/EventBridge/${bucket.region}/${logType.toLowerCase()}.log.gz`;
  const outsider = { 'aws:SourceArn': `arn:${bucket.partition}:logs:${bucket.region}:${OUTSIDER_ACCOUNT}:delivery-source:theirs`, 'aws:SourceAccount': OUTSIDER_ACCOUNT };
  const acl = { 's3:x-amz-acl': 'bucket-owner-full-control' };
  return [
    path('runtime', `log delivery writes the ${logType} records to the bucket`, delivery, 's3:PutObject', object, 'Allowed', LOG_DELIVERY_S3, { ...fromSource, ...acl }),
    path('runtime', `log delivery checks the bucket's ACL before writing the ${logType} records`, delivery, 's3:GetBucketAcl', bucketArn, 'Allowed', LOG_DELIVERY_S3, fromSource),
    path('runtime', `log delivery lists the bucket for the ${logType} records`, delivery, 's3:ListBucket', bucketArn, 'Allowed', LOG_DELIVERY_S3, fromSource),
    path('negative', 'log delivery cannot write to the bucket for a delivery source of another account', delivery, 's3:PutObject',
      `${bucketArn}/AWSLogs/${OUTSIDER_ACCOUNT}/EventBridge/theirs.log.gz`, 'Denied', LOG_DELIVERY_S3, { ...outsider, ...acl }),
    path('negative', 'log delivery cannot write outside AWSLogs/<account>/ of the bucket', delivery, 's3:PutObject', `${bucketArn}/elsewhere/${logType.toLowerCase()}.log.gz`,
      'Denied', LOG_DELIVERY_S3, { ...fromSource, ...acl }),
    path('negative', 'log delivery cannot write an object the bucket owner would not own', delivery, 's3:PutObject', object, 'Denied', LOG_DELIVERY_S3,
      { ...fromSource, 's3:x-amz-acl': 'private' }),
  ];
}

/** The bucket's key: the log delivery service generates data keys for this account's deliveries; never the bus key. */
function bucketKeyPaths(world: DeployedWorld, principals: Principals, bucket: DeployedResource, busKeyArn: string, account: string): AccessPath[] {
  const rule = world.properties(bucket).BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault;
  const key = keyByArn(world, rule?.KMSMasterKeyID);
  if (!key) throw new Error(`bus logging catalog: the bucket ${bucket.logicalId} is not on a customer managed key of the world`);
  const keyArn = world.attribute(key, 'Arn');
  if (keyArn === busKeyArn) throw new Error(`bus logging catalog: the bucket ${bucket.logicalId} is on the bus key`);
  const path = pathsFor(subjectOf(bucket));
  const delivery = principals.service('delivery.logs.amazonaws.com');
  const logsArn = `arn:${bucket.partition}:logs:${bucket.region}:${account}`;
  return [
    path('runtime', 'log delivery generates the data key of a log object with the bucket\'s key', delivery, 'kms:GenerateDataKey', keyArn, 'Allowed', LOG_DELIVERY_S3_KEY,
      { 'aws:SourceArn': `${logsArn}:delivery-source:any`, 'aws:SourceAccount': account, 'kms:ViaService': `s3.${bucket.region}.amazonaws.com` }, ['kms:ViaService']),
    path('negative', 'log delivery cannot use the bucket\'s key for a delivery source of another account', delivery, 'kms:GenerateDataKey', keyArn, 'Denied', LOG_DELIVERY_S3_KEY,
      { 'aws:SourceArn': `arn:${bucket.partition}:logs:${bucket.region}:${OUTSIDER_ACCOUNT}:delivery-source:theirs`, 'aws:SourceAccount': OUTSIDER_ACCOUNT }),
    path('negative', 'log delivery cannot decrypt the log objects with the bucket\'s key', delivery, 'kms:Decrypt', keyArn, 'Denied', LOG_DELIVERY_S3_KEY,
      { 'aws:SourceArn': `${logsArn}:delivery-source:any`, 'aws:SourceAccount': account }),
  ];
}

/**
 * The log delivery service puts a bus's records on a Firehose stream with its service-linked role, whose AWS managed
 * policy allows it only on streams tagged `LogDeliveryEnabled=true` (the tag as the template gives it).
 */
function firehosePaths(world: DeployedWorld, stream: DeployedResource, logType: string): AccessPath[] {
  const path = pathsFor(subjectOf(stream));
  const role = logDeliveryRole(world, stream.account);
  const streamArn = world.attribute(stream, 'Arn');
  const tag = world.tags(stream).LogDeliveryEnabled;
  const tagged: Record<string, string> = tag === undefined ? {} : { 'aws:ResourceTag/LogDeliveryEnabled': tag };
  const untagged = `arn:${stream.partition}:firehose:${stream.region}:${stream.account}:deliverystream/another-stream`;
  return [
    ...['firehose:PutRecord', 'firehose:PutRecordBatch'].map(action =>
      path('runtime', `log delivery puts the ${logType} records on the stream (${action.slice(9)})`, role, action, streamArn, 'Allowed', LOG_DELIVERY_FIREHOSE, tagged)),
    path('negative', 'log delivery cannot put records on a stream without the LogDeliveryEnabled tag', role, 'firehose:PutRecord', untagged, 'Denied', LOG_DELIVERY_FIREHOSE),
  ];
}
