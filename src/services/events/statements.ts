/**
 * What KMS must allow for EventBridge: the key-policy statements for an event bus and its archive, and for a
 * connection's secret (which Secrets Manager encrypts on EventBridge's behalf), in the connection's account or across
 * accounts.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { apiDestinationsInternalRoleArn, connectionSecretArnPattern } from './arns';
import { API_DESTINATIONS_TAG_KEY } from './connection-facts';
import { accountRoot, keyEnvironment, KeyStatementEnvironment, viaService } from '../kms/environment';

/** Identifiers of an EventBridge connection, for its key-policy statements. */
export interface ConnectionKeyStatementProps extends KeyStatementEnvironment {
  /** Name of the connection (its secret is `events!connection/<name>/<uuid>`). */
  readonly connectionName: string;
  /**
   * Only these principals may generate and decrypt data keys for the connection's secret (`aws:PrincipalArn`).
   * Strict mode passes EventBridge's API-destinations service-linked role
   * (`KeyPolicyStatements.apiDestinationsServiceLinkedRoleArn`), the principal that creates and reads the secret.
   *
   * @default - any principal of the account whose IAM policies allow it (the service-linked role's AWS managed policy does)
   */
  readonly principalArns?: string[];
}

/** Identifiers of an EventBridge event bus (and optionally its archive), for their key-policy statements. */
export interface EventBusKeyStatementProps extends KeyStatementEnvironment {
  /** ARN of the event bus: the value of the `aws:events:event-bus:arn` encryption context. */
  readonly eventBusArn: string;
  /**
   * ARN of an archive of this bus encrypted with the same key.
   *
   * @default - no archive statement
   */
  readonly archiveArn?: string;
}

/**
 * Secrets Manager, on behalf of EventBridge, may describe the key and generate/decrypt data keys only for this
 * connection's secret, and only while the key carries the tag `EventBridgeApiDestinations=true`.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-connections.html
 */
export function connectionStatements(props: ConnectionKeyStatementProps): iam.PolicyStatement[] {
  const e = keyEnvironment(props);
  const secretArn = connectionSecretArnPattern(e, props.connectionName);
  const tagged = { [`aws:ResourceTag/${API_DESTINATIONS_TAG_KEY}`]: 'true' };
  const viaSecretsManager = { 'kms:ViaService': viaService('secretsmanager', e.region), 'kms:CallerAccount': e.account };
  return [
    new iam.PolicyStatement({
      sid: 'ConnectionDescribe',
      principals: [accountRoot(props)],
      actions: ['kms:DescribeKey'],
      resources: ['*'],
      conditions: { StringEquals: { ...viaSecretsManager, ...tagged } },
    }),
    new iam.PolicyStatement({
      sid: 'ConnectionSecret',
      principals: [accountRoot(props)],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
      conditions: {
        StringEquals: { ...viaSecretsManager, ...tagged },
        StringLike: { 'kms:EncryptionContext:SecretARN': secretArn },
        ...(props.principalArns && props.principalArns.length > 0
          ? { ArnEquals: { 'aws:PrincipalArn': props.principalArns.length === 1 ? props.principalArns[0] : props.principalArns } }
          : {}),
      },
    }),
  ];
}

/**
 * A connection whose key lives in another account: the statement AWS documents for the key owner, letting
 * EventBridge's internal API-destinations role in the connection's account describe the key and decrypt, conditioned
 * on the caller's account and on the key's `EventBridgeApiDestinations=true` tag.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-connections.html
 */
export function connectionCrossAccountStatement(props: KeyStatementEnvironment): iam.PolicyStatement {
  const e = keyEnvironment(props);
  return new iam.PolicyStatement({
    sid: 'ConnectionCrossAccount',
    principals: [new iam.ArnPrincipal(apiDestinationsInternalRoleArn(e))],
    actions: ['kms:Decrypt', 'kms:DescribeKey'],
    resources: ['*'],
    conditions: { StringEquals: { 'kms:CallerAccount': e.account, [`aws:ResourceTag/${API_DESTINATIONS_TAG_KEY}`]: 'true' } },
  });
}

/**
 * An event bus (and its archive): the statements the EventBridge guide documents for a bus key.
 *
 * - `events.amazonaws.com` may describe the key (no condition: EventBridge validates the key with it);
 * - a bus alone: `events.amazonaws.com` may generate and decrypt data keys only under this bus's encryption context
 *   and only on behalf of this bus (`aws:SourceArn`);
 * - with an archive: also re-encrypt, under this bus's encryption context only. The archive page documents no
 *   `aws:SourceArn`, and which one (bus, archive, replay) archive writes and replays present is not documented, so
 *   the statement does not require one;
 * - principals of this account, only through EventBridge, may use the key to create and update the bus and its rules
 *   (the caller needs these calls itself; in strict mode nothing else would allow them).
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-cmkey.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-archives.html
 */
export function eventBusStatements(props: EventBusKeyStatementProps): iam.PolicyStatement[] {
  const e = keyEnvironment(props);
  const context = { 'kms:EncryptionContext:aws:events:event-bus:arn': props.eventBusArn };
  const events = new iam.ServicePrincipal('events.amazonaws.com');
  return [
    new iam.PolicyStatement({
      sid: 'EventBridgeDescribe',
      principals: [events],
      actions: ['kms:DescribeKey'],
      resources: ['*'],
    }),
    props.archiveArn
      ? new iam.PolicyStatement({
        sid: 'EventBridgeBusAndArchive',
        principals: [events],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
        resources: ['*'],
        conditions: { StringEquals: context },
      })
      : new iam.PolicyStatement({
        sid: 'EventBridgeBus',
        principals: [events],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { ...context, 'aws:SourceArn': props.eventBusArn } },
      }),
    new iam.PolicyStatement({
      sid: 'EventBridgeBusCallers',
      principals: [accountRoot(props)],
      actions: ['kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
      resources: ['*'],
      conditions: { StringEquals: { 'kms:ViaService': viaService('events', e.region), 'kms:CallerAccount': e.account } },
    }),
  ];
}
