/**
 * EventBridge event bus logs delivered through CloudWatch Logs' vended-log resources (delivery source → delivery →
 * delivery destination) to a log group encrypted with a customer managed key: the records travel encrypted with the
 * bus key, the log delivery service decrypts them and writes them to the group, CloudWatch Logs encrypts them with the
 * group's key.
 */
import { keyByArn, pathsFor } from './common';
import { DOCS } from './docs';
import { AccessPath, Catalog, DocRef, subjectOf } from './types';
import { DeployedResource } from '../world';

const BUS_LOGS_KEY: DocRef = {
  url: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-bus-logs.html',
  quote: 'When sending logs, EventBridge encrypts the detail and error sections of each log record with the KMS key specified for the event bus. ... "kms:EncryptionContext:SourceArn": "arn:partition:logs:region:account:*" (events.amazonaws.com: kms:GenerateDataKey; delivery.logs.amazonaws.com: kms:Decrypt, kms:GenerateDataKey)',
};
const LOG_DELIVERY_WRITE: DocRef = {
  url: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-V2-CloudWatchLogs.html',
  quote: 'The log group where the logs are being sent must have a resource policy that includes certain permissions. (delivery.logs.amazonaws.com: logs:CreateLogStream, logs:PutLogEvents on the group\'s log streams, aws:SourceAccount = the account, aws:SourceArn like arn:aws:logs:<region>:<account>:*)',
};

const OUTSIDER_ACCOUNT = '999988887777';

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
        const group = world.ofType('AWS::Logs::LogGroup').find(g => world.attribute(g, 'Arn') === `${groupArn}:*`);
        if (!group) continue;
        const stream = `${groupArn}:log-stream:${logType.toLowerCase()}-${world.ref(deliveryResource)}`;
        const fromSource = { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': bus.account };
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
