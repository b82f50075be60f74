import { Annotations, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ConnectionApiDestinationOptions } from './api-destination-options';
import { apiDestinationTarget } from './api-destination-target';
import { ApiDestinationTargetOptions } from './api-destination-target-options';
import { deauthorizationAlerts } from './deauthorization-alerts';
import { connectionKeyStatements, secretArnPattern } from './key-statements';
import { API_DESTINATIONS_TAG_WARNING, ensureApiDestinationsTag } from './key-tag';
import { EncryptedConnectionProps } from './props';
import { validateApiDestinationOptions, validateConnectionProps } from './validation';
import { IEncryptedResource } from '../encrypted-resource/props';
import { setUpEncryption, verifyEncryption } from '../encrypted-resource/setup';
import { formatArn, stackEnvironment } from '../internal/arns';
import { deterministicName } from '../internal/names';
import { addKeyStatements } from '../key/key-policy';
import { CONNECTION_FACTS } from '../services/events/connection-facts';
import { EncryptionVerification, VerifiedResource } from '../verifier/encryption-verification';

/**
 * An EventBridge API-destination connection whose credentials secret is encrypted with a customer managed KMS key.
 *
 * EventBridge keeps a connection's credentials in a Secrets Manager secret (`events!connection/<name>/...`). This
 * construct sets the connection's `KmsKeyIdentifier` to a CMK (created, or yours), tags the key
 * `EventBridgeApiDestinations=true` (without the tag EventBridge cannot use it), and adds key-policy statements that
 * let Secrets Manager use the key only for this connection's secret. Credentials must be Secrets Manager dynamic
 * references: a plain-text secret is a synth error. An EventBridge rule sends the connection's deauthorization events
 * (a disabled, deleted or unreachable key deauthorizes it) to an alert topic, the account's audit trail records
 * every use of the key, and a deploy-time check proves the connection and its secret really use the key.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-connections.html
 */
export class EncryptedConnection extends Construct implements IEncryptedResource {
  /** The warning id users acknowledge once a key they bring carries the tag `EventBridgeApiDestinations=true`. */
  public static readonly API_DESTINATIONS_TAG_WARNING = API_DESTINATIONS_TAG_WARNING;

  /** The warning id users acknowledge for an API destination rate limit above the default quota of 300 per second. */
  public static readonly RATE_LIMIT_QUOTA_WARNING = 'cdk-encrypted-constructs:api-destination-rate-quota';

  /**
   * The detail types of the connection-state events (source `aws.events`) the deauthorization rule matches: the
   * connection is losing or has lost its authorization, or (private APIs) cannot reach the endpoint.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/event-reference.html
   */
  public static readonly DEAUTHORIZATION_DETAIL_TYPES: string[] = CONNECTION_FACTS.deauthorizationDetailTypes;

  /** The connection (`AWS::Events::Connection` at `<this>/Resource/Connection`). */
  public readonly connection: events.Connection;
  /** Name of the connection. */
  public readonly connectionName: string;
  /** ARN of the connection. */
  public readonly connectionArn: string;
  /** ARN of the Secrets Manager secret EventBridge keeps the credentials in. */
  public readonly connectionSecretArn: string;
  /** The customer managed key that encrypts the connection's secret. */
  public readonly encryptionKey: kms.IKey;
  /** ARN of the trail that audits the key, if any. */
  public readonly auditTrailArn?: string;
  /** The rule that matches the connection's deauthorization events. */
  public readonly deauthorizationRule: events.Rule;
  /** The topic that receives deauthorization alerts. */
  public readonly alertTopic: sns.ITopic;
  /**
   * The queue that keeps alerts EventBridge could not deliver to the topic: the stack's alert dead-letter queue (of
   * the account trail or the stack's `KeyTamperingAlert`, shared by every alert rule of the stack) when the key is
   * audited, else a queue of this connection (child `AlertDeadLetterQueue`).
   */
  public readonly alertDeadLetterQueue: sqs.IQueue;
  /** The deploy-time verification, unless turned off. */
  public readonly verification?: EncryptionVerification;

  constructor(scope: Construct, id: string, props: EncryptedConnectionProps) {
    super(scope, id);
    validateConnectionProps(this, props);

    // key: the key (tagged for API destinations), its audit and its statements
    this.connectionName = props.connectionName ?? deterministicName(this, CONNECTION_FACTS.nameMaxLength);
    const encryption = setUpEncryption(this, props, `the credentials of EventBridge connection ${this.connectionName}`);
    this.encryptionKey = encryption.key;
    this.auditTrailArn = encryption.auditTrailArn;
    ensureApiDestinationsTag(this, this.encryptionKey);
    encryption.addKeyStatements(connectionKeyStatements(this, this.encryptionKey, this.connectionName), `the EventBridge connection ${this.connectionName}`);

    // resources
    this.connection = this.createConnection(props);
    this.connectionArn = this.connection.connectionArn;
    this.connectionSecretArn = this.connection.connectionSecretArn;

    // alarms: the deauthorization alerts
    const alerts = deauthorizationAlerts(this, this.connectionName, props.alertTopic, encryption.auditTrailArn);
    this.alertTopic = alerts.topic;
    this.alertDeadLetterQueue = alerts.deadLetterQueue;
    this.deauthorizationRule = alerts.rule;

    // verification
    this.verification = verifyEncryption(this, props, this.encryptionKey, [
      // IAM authorizes DescribeConnection against connection/<name>, not the /<uuid> ARN of Fn::GetAtt Arn.
      VerifiedResource.connection(this.connectionName, formatArn(this, { service: 'events', resource: 'connection', resourceName: this.connectionName }),
        this.connectionSecretArn, this.connection),
    ]);
  }

  /**
   * Adds an API destination (an HTTPS endpoint EventBridge rules can target) that uses this connection.
   * API destinations you create yourself with `connection: encryptedConnection.connection` work the same way.
   *
   * @param id the construct id of the API destination, a child of this construct
   */
  public addApiDestination(id: string, options: ConnectionApiDestinationOptions): events.ApiDestination {
    validateApiDestinationOptions(this, id, options);
    const destination = new events.ApiDestination(this, id, {
      connection: this.connection,
      endpoint: options.endpoint,
      rateLimitPerSecond: options.rateLimitPerSecond,
      httpMethod: options.httpMethod,
      description: options.description,
      apiDestinationName: options.apiDestinationName,
    });
    if (!Token.isUnresolved(options.rateLimitPerSecond) && options.rateLimitPerSecond > CONNECTION_FACTS.defaultRateQuota) {
      Annotations.of(destination).addWarningV2(EncryptedConnection.RATE_LIMIT_QUOTA_WARNING,
        `rateLimitPerSecond ${options.rateLimitPerSecond} is above EventBridge's default quota of ${CONNECTION_FACTS.defaultRateQuota} invocations per second per API destination: `
        + 'EventBridge sends no faster until the quota is raised in Service Quotas.');
    }
    return destination;
  }

  /**
   * A rule target that sends events to one of this connection's API destinations, for `rule.addTarget(...)`.
   *
   * Use it instead of `aws-events-targets.ApiDestination`, whose role carries its permission in an inline default
   * policy (cdk-nag's HIPAA, NIST and PCI `IAMNoInlinePolicy`): here EventBridge assumes a role
   * (`<destination>/InvokeRole`, one per destination, shared by every rule that targets it) whose only permission is
   * `events:InvokeApiDestination` on that destination, in a customer managed policy (`<destination>/InvokePolicy`).
   * Retries and a dead-letter queue work as in `aws-events-targets`.
   *
   * @param destination an API destination of this connection (one `addApiDestination` returned, or your own on `connection`)
   * @param options the request, the retry policy and the dead-letter queue
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-rule-api-destination-target.html
   */
  public ruleTarget(destination: events.IApiDestination, options: ApiDestinationTargetOptions = {}): events.IRuleTarget {
    const where = `${this.node.path}.ruleTarget(${destination?.node?.path ?? 'destination'})`;
    return apiDestinationTarget(where, this.connection, destination, options);
  }

  /**
   * Lets a principal retrieve the connection's credentials, as an AWS Step Functions HTTP task's execution role
   * does: `events:RetrieveConnectionCredentials` on the connection, `secretsmanager:GetSecretValue` and
   * `DescribeSecret` on its secret, and `kms:Decrypt` only through Secrets Manager for this connection's secret (in
   * the principal's policy and, naming the principal, in the key policy, so it also works in strict mode).
   *
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/call-https-apis.html
   */
  public grantRetrieveConnectionCredentials(grantee: iam.IGrantable): iam.Grant {
    const environment = stackEnvironment(this);
    const decryptConditions = {
      StringEquals: { 'kms:ViaService': `secretsmanager.${environment.region}.amazonaws.com` },
      StringLike: { 'kms:EncryptionContext:SecretARN': secretArnPattern(this, this.connectionName) },
    };
    addKeyStatements(this, this.encryptionKey, [new iam.PolicyStatement({
      sid: 'ConnectionCredentialsReader',
      principals: [grantee.grantPrincipal],
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: decryptConditions,
    })], `principals that retrieve the credentials of connection ${this.connectionName}`);
    const grant = iam.Grant.addToPrincipal({ grantee, actions: ['events:RetrieveConnectionCredentials'], resourceArns: [this.connectionArn] });
    return grant
      .combine(iam.Grant.addToPrincipal({ grantee, actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resourceArns: [this.connectionSecretArn] }))
      .combine(iam.Grant.addToPrincipal({ grantee, actions: ['kms:Decrypt'], resourceArns: [this.encryptionKey.keyArn], conditions: decryptConditions }));
  }

  /** The connection, with the key on its L1. */
  private createConnection(props: EncryptedConnectionProps): events.Connection {
    const connection = new events.Connection(this, 'Resource', {
      connectionName: this.connectionName,
      description: props.description,
      authorization: props.authorization,
      headerParameters: props.headerParameters,
      queryStringParameters: props.queryStringParameters,
      bodyParameters: props.bodyParameters,
    });
    // events.Connection has no key property: set it on its L1 (child id `Connection`, so not `defaultChild`).
    (connection.node.findChild('Connection') as events.CfnConnection).kmsKeyIdentifier = this.encryptionKey.keyArn;
    return connection;
  }
}
