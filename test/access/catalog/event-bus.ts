/**
 * EventBridge event buses and their archives (and replays) encrypted with a customer managed key.
 */
import { delegatesToIam, keyByArn, pathsFor, queueByArn, queueProducerPaths, via } from './common';
import { DOCS } from './docs';
import { roleCaller } from '../evaluator';
import { AccessPath, Catalog, subjectOf } from './types';

export const eventBusCatalog: Catalog = (world, principals) => {
  const out: AccessPath[] = [];
  const events = principals.service('events.amazonaws.com');
  for (const bus of world.ofType('AWS::Events::EventBus')) {
    const props = world.properties(bus);
    const key = keyByArn(world, props.KmsKeyIdentifier);
    if (!key) continue;
    const subject = subjectOf(bus);
    const path = pathsFor(subject);
    const keyArn = world.attribute(key, 'Arn');
    const busArn = world.attribute(bus, 'Arn');
    const otherBusArn = busArn.replace(/event-bus\/.*$/, 'event-bus/another-bus');
    const context = { 'kms:EncryptionContext:aws:events:event-bus:arn': busArn };
    // Strict mode relies on kms:ViaService for the caller's calls (docs/known-limits.md); default mode must not.
    const callerUncertain = delegatesToIam(world, key) ? ['kms:ViaService'] : [];
    const viaEvents = { 'kms:ViaService': via(world, bus, 'events') };

    for (const action of ['kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo']) {
      out.push(path('deploy', `the deploying role may ${action.slice(4)} when it creates or updates the encrypted bus (and its rules)`, principals.deployer, action, keyArn, 'Allowed', DOCS.eventBusCallerPermissions, viaEvents, callerUncertain));
    }
    out.push(
      path('runtime', 'EventBridge describes the key to validate it', events, 'kms:DescribeKey', keyArn, 'Allowed', DOCS.eventBusKeyPolicy,
        { 'aws:SourceArn': busArn, 'aws:SourceAccount': bus.account }, ['aws:SourceArn', 'aws:SourceAccount']),
      path('runtime', 'EventBridge encrypts the bus\'s events', events, 'kms:GenerateDataKey', keyArn, 'Allowed', DOCS.eventBusKeyPolicy,
        { ...context, 'aws:SourceArn': busArn, 'aws:SourceAccount': bus.account }, ['aws:SourceAccount']),
      path('runtime', 'EventBridge decrypts the bus\'s events for pattern matching and delivery', events, 'kms:Decrypt', keyArn, 'Allowed', DOCS.eventBusKeyPolicy,
        { ...context, 'aws:SourceArn': busArn, 'aws:SourceAccount': bus.account }, ['aws:SourceAccount']),
      path('negative', 'EventBridge cannot use the key for another bus', events, 'kms:Decrypt', keyArn, 'Denied', DOCS.eventBusKeyPolicy,
        { 'kms:EncryptionContext:aws:events:event-bus:arn': otherBusArn, 'aws:SourceArn': otherBusArn, 'aws:SourceAccount': bus.account }),
      path('negative', 'a role of another account cannot decrypt the bus\'s events', principals.outsider, 'kms:Decrypt', keyArn, 'Denied', DOCS.kmsCrossAccount, context),
    );
    const queue = queueByArn(world, props.DeadLetterConfig?.Arn);
    if (queue) {
      out.push(...queueProducerPaths(world, subject, 'runtime', events, queue, { send: DOCS.eventBridgeDeadLetterQueue, key: DOCS.eventBridgeDeadLetterQueueKey },
        { 'aws:SourceArn': busArn, 'aws:SourceAccount': bus.account }, ['aws:SourceAccount']));
      // The readers of the dead letters (roles whose policy lets them receive from the queue, e.g. by
      // grantConsumeDeadLetters): through SQS on the queue's key, then the encrypted event under the bus's context.
      const queueArn = world.attribute(queue, 'Arn');
      const queueKey = keyByArn(world, world.properties(queue).KmsMasterKeyId);
      for (const role of world.ofType('AWS::IAM::Role')) {
        const reader = roleCaller(world, role, `the dead-letter reader ${role.logicalId}`);
        const reads = reader.identityPolicies.some(p => (p.document.Statement ?? []).some((st: any) => [st.Action].flat().includes('sqs:ReceiveMessage') && [st.Resource].flat().includes(queueArn)));
        if (!reads) continue;
        out.push(path('runtime', `${reader.label} receives the bus's dead letters`, reader, 'sqs:ReceiveMessage', queueArn, 'Allowed', DOCS.eventBusDeadLetterDecrypt));
        if (queueKey) {
          out.push(path('runtime', `${reader.label} decrypts the messages through SQS`, reader, 'kms:Decrypt', world.attribute(queueKey, 'Arn'), 'Allowed', DOCS.eventBusDeadLetterDecrypt,
            { 'kms:ViaService': via(world, queue, 'sqs') }));
        }
        out.push(
          path('runtime', `${reader.label} decrypts an encrypted event under the bus's context`, reader, 'kms:Decrypt', keyArn, 'Allowed', DOCS.eventBusDeadLetterDecrypt, context),
          path('negative', `${reader.label} cannot decrypt under another bus's context`, reader, 'kms:Decrypt', keyArn, 'Denied', DOCS.eventBusDeadLetterDecrypt,
            { 'kms:EncryptionContext:aws:events:event-bus:arn': otherBusArn }),
        );
        if (!delegatesToIam(world, key)) {
          out.push(path('negative', 'in strict mode, an administrator of the account who is not a reader cannot decrypt the encrypted events', principals.otherAdmin, 'kms:Decrypt', keyArn, 'Denied',
            DOCS.eventBusDeadLetterDecrypt, context));
        }
      }
    }

    for (const archive of world.ofType('AWS::Events::Archive')) {
      const archiveProps = world.properties(archive);
      if (archiveProps.SourceArn !== busArn) continue;
      const archiveKey = keyByArn(world, archiveProps.KmsKeyIdentifier);
      if (!archiveKey) continue;
      const archivePath = pathsFor(subjectOf(archive));
      const archiveArn = world.attribute(archive, 'Arn');
      const replayArn = `arn:${archive.partition}:events:${archive.region}:${archive.account}:replay/a-replay`;
      const archiveKeyArn = world.attribute(archiveKey, 'Arn');
      // The docs show only the context condition for archives: which aws:SourceArn (if any) comes is unknown.
      for (const [who, sourceArn] of [['archive', archiveArn], ['replay', replayArn]] as const) {
        for (const action of ['kms:GenerateDataKey', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo']) {
          out.push(archivePath('runtime', `EventBridge may ${action.slice(4)} for the ${who}`, events, action, archiveKeyArn, 'Allowed', DOCS.archiveKeyPolicy,
            { ...context, 'aws:SourceArn': sourceArn, 'aws:SourceAccount': archive.account }, ['aws:SourceArn', 'aws:SourceAccount']));
        }
      }
      out.push(
        archivePath('runtime', 'EventBridge describes the archive key', events, 'kms:DescribeKey', archiveKeyArn, 'Allowed', DOCS.archiveKeyPolicy,
          { 'aws:SourceArn': archiveArn, 'aws:SourceAccount': archive.account }, ['aws:SourceArn', 'aws:SourceAccount']),
        // Requests that present no aws:SourceArn can match a dead-letter queue statement on the same key, which AWS
        // documents without conditions (docs/known-limits.md): the refusal holds for requests on behalf of another bus.
        archivePath('negative', 'EventBridge cannot use the archive key on behalf of another bus', events, 'kms:Decrypt', archiveKeyArn, 'Denied', DOCS.archiveKeyPolicy,
          { 'kms:EncryptionContext:aws:events:event-bus:arn': otherBusArn, 'aws:SourceArn': otherBusArn, 'aws:SourceAccount': archive.account }),
      );
    }
  }
  return out;
};
