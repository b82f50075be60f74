import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { apiDestinationTarget } from './api-destination-target';
import { ApiDestinationTargetOptions } from './api-destination-target-options';
import { checkCredentials, isHttpsUrl } from './credentials';
import { API_DESTINATIONS_TAG_WARNING, ensureApiDestinationsTag } from './key-tag';
import { watchChannelKey } from '../audit/audit-key';
import { KeyTamperingAlert } from '../audit/tampering-alert';
import { checkEncryptionKey } from '../encrypted-resource/key-checks';
import { EncryptedResourceProps, IEncryptedResource } from '../encrypted-resource/props';
import { setUpEncryption, verifyEncryption } from '../encrypted-resource/setup';
import { formatArn, stackEnvironment } from '../internal/arns';
import { deterministicName } from '../internal/names';
import { claimPhysicalName } from '../internal/physical-names';
import { PropValidator, requiredObject } from '../internal/validation';
import { EncryptionKey } from '../key/encryption-key';
import { addKeyStatements } from '../key/key-policy';
import { KeyPolicyStatements } from '../key/statements';
import { alarmOnRuleDeliveryFailures, allowEventBridgeDeadLetters, SharedAlarmTopic } from '../stack/alarm-topic';
import { newDeadLetterQueue } from '../stack/dead-letter-queue';
import { topicTarget } from '../stack/rule-targets';
import { EncryptionVerification, VerifiedResource } from '../verifier/encryption-verification';

/**
 * Properties of an `EncryptedConnection`.
 */
export interface EncryptedConnectionProps extends EncryptedResourceProps {
  /**
   * How EventBridge authorizes with the endpoint: an API key, Basic (username and password) or OAuth client
   * credentials. EventBridge stores the credentials in a Secrets Manager secret that the key encrypts.
   *
   * Every secret (API key value, password, OAuth client secret) must be a `SecretValue` that resolves to a Secrets
   * Manager dynamic reference, such as `SecretValue.secretsManager('crm/api-key')` or `secret.secretValue`: the
   * template then holds `{{resolve:secretsmanager:...}}`, never the credential. A plain-text value
   * (`SecretValue.unsafePlainText`), an SSM SecureString reference or a CloudFormation parameter is a synth error.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-target-connection-auth.html
   */
  readonly authorization: events.Authorization;

  /**
   * Name of the connection: 1 to 64 letters, digits, `.`, `-` and `_`.
   *
   * The key policy names the connection's secret (`events!connection/<name>/*`), so the name must be known before
   * deploy: when you give none, a stable name is derived from the construct path.
   *
   * @default - a name derived from the construct path
   */
  readonly connectionName?: string;

  /**
   * Description of the connection (at most 512 characters).
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * Header parameters EventBridge adds to every request through this connection. A parameter made with
   * `HttpParameter.fromSecret` is stored in the connection's encrypted secret and must be a Secrets Manager dynamic
   * reference; `HttpParameter.fromString` values are plain text in the template.
   *
   * @default - no extra headers
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ConnectionHttpParameters.html
   */
  readonly headerParameters?: { [key: string]: events.HttpParameter };

  /**
   * Query-string parameters EventBridge adds to every request through this connection (secret values as for
   * `headerParameters`).
   *
   * @default - no extra query-string parameters
   */
  readonly queryStringParameters?: { [key: string]: events.HttpParameter };

  /**
   * Body parameters EventBridge adds to every request through this connection (secret values as for
   * `headerParameters`).
   *
   * @default - no extra body parameters
   */
  readonly bodyParameters?: { [key: string]: events.HttpParameter };

  /**
   * Where deauthorization alerts go: EventBridge deauthorizes the connection when the key is disabled, deleted or
   * unreachable (or the endpoint rejects the credentials), and the construct's rule sends that event here.
   *
   * A topic you bring must let `events.amazonaws.com` publish: the construct adds a topic-policy statement scoped to
   * its rule when the topic is defined in this app; an encrypted topic's key must allow EventBridge too.
   *
   * It may not be encrypted with the connection's key, which may be the cause of the alert.
   *
   * @default - the stack's key-tampering alert topic (the stack's `KeyTamperingAlert`) when the key is audited, else a new topic
   *            encrypted with a dedicated key (never the connection's key, which may be the cause of the alert)
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-target-connection-deauthorize.html
   */
  readonly alertTopic?: sns.ITopic;
}

/**
 * Options of an API destination that uses an `EncryptedConnection`.
 */
export interface ConnectionApiDestinationOptions {
  /**
   * The HTTPS endpoint EventBridge invokes (at most 2048 characters). Path parameters may use `*` wildcards.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html
   */
  readonly endpoint: string;

  /**
   * The most requests per second EventBridge sends to the endpoint (a whole number, at least 1). The default
   * service quota is 300 per API destination: a higher value warns, since it needs a quota increase to take effect.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
   */
  readonly rateLimitPerSecond: number;

  /**
   * The HTTP method of the requests.
   *
   * @default events.HttpMethod.POST
   */
  readonly httpMethod?: events.HttpMethod;

  /**
   * Description of the API destination (at most 512 characters).
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * Name of the API destination: 1 to 64 letters, digits, `.`, `-` and `_`.
   *
   * @default - a name generated by CloudFormation
   */
  readonly apiDestinationName?: string;
}

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
  public static readonly DEAUTHORIZATION_DETAIL_TYPES = [
    'Connection Deauthorization Started',
    'Connection Deauthorized',
    'Connection Failed Connectivity',
  ];

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

    this.connectionName = props.connectionName ?? deterministicName(this, 64);
    const encryption = setUpEncryption(this, props, `the credentials of EventBridge connection ${this.connectionName}`);
    this.encryptionKey = encryption.key;
    this.auditTrailArn = encryption.auditTrailArn;
    ensureApiDestinationsTag(this, this.encryptionKey);

    const environment = stackEnvironment(this);
    const strict = this.encryptionKey instanceof EncryptionKey && this.encryptionKey.strictMode;
    const statements = KeyPolicyStatements.connection({
      ...environment,
      connectionName: this.connectionName,
      principalArns: strict ? [KeyPolicyStatements.apiDestinationsServiceLinkedRoleArn(environment)] : undefined,
    });
    if (isOtherAccount(this, this.encryptionKey)) statements.push(KeyPolicyStatements.connectionCrossAccount(environment));
    encryption.addKeyStatements(statements, `the EventBridge connection ${this.connectionName}`);

    this.connection = new events.Connection(this, 'Resource', {
      connectionName: this.connectionName,
      description: props.description,
      authorization: props.authorization,
      headerParameters: props.headerParameters,
      queryStringParameters: props.queryStringParameters,
      bodyParameters: props.bodyParameters,
    });
    // events.Connection has no key property: set it on its L1 (child id `Connection`, so not `defaultChild`).
    (this.connection.node.findChild('Connection') as events.CfnConnection).kmsKeyIdentifier = this.encryptionKey.keyArn;
    this.connectionArn = this.connection.connectionArn;
    this.connectionSecretArn = this.connection.connectionSecretArn;

    const alerts = this.deauthorizationAlerts(props.alertTopic, encryption.auditTrailArn);
    this.alertTopic = alerts.topic;
    this.alertDeadLetterQueue = alerts.deadLetterQueue;
    this.deauthorizationRule = alerts.rule;

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
    if (!Token.isUnresolved(options.rateLimitPerSecond) && options.rateLimitPerSecond > DEFAULT_RATE_QUOTA) {
      Annotations.of(destination).addWarningV2(EncryptedConnection.RATE_LIMIT_QUOTA_WARNING,
        `rateLimitPerSecond ${options.rateLimitPerSecond} is above EventBridge's default quota of ${DEFAULT_RATE_QUOTA} invocations per second per API destination: `
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

  /**
   * The rule that sends the connection's deauthorization events to the alert topic, with a dead-letter queue and an
   * alarm on its failed deliveries. With auditing on, the stack's alert hub provides the topic (unless one is given)
   * and the dead-letter queue: one of each per stack, whose policies list every alert rule of the stack in one
   * statement each. Without it, the connection gets its own. The topic is never on the connection's key, whose loss is
   * what the alert reports, and the dead-letter queue never on the topic's key (it is on the stack's dead-letter key).
   */
  private deauthorizationAlerts(alertTopic: sns.ITopic | undefined, auditTrailArn: string | undefined): { topic: sns.ITopic; deadLetterQueue: sqs.IQueue; rule: events.Rule } {
    const environment = stackEnvironment(this);
    // The stack's alert hub unless auditing is off.
    const hub = auditTrailArn !== undefined ? KeyTamperingAlert.hubOf(this) : undefined;
    // A topic the user brings, encrypted: EventBridge must be able to use its key (the topic policy alone is not enough).
    const topicKey = alertTopic?.masterKey;
    if (topicKey) {
      addKeyStatements(this, topicKey, KeyPolicyStatements.topic({ ...environment, servicePrincipals: ['events.amazonaws.com'] }),
        `the deauthorization alert topic of EventBridge connection ${this.connectionName}`);
    }
    watchChannelKey(this, topicKey); // the key the alerts travel through is watched (when the stack audits)
    let topic = alertTopic ?? hub?.alertTopic;
    if (!topic) {
      const alertKey = new EncryptionKey(this, 'AlertKey', { protects: `the deauthorization alerts of EventBridge connection ${this.connectionName}` });
      topic = new sns.Topic(this, 'AlertTopic', { displayName: 'EventBridge connection deauthorization alerts', masterKey: alertKey, enforceSSL: true });
      addKeyStatements(this, alertKey, KeyPolicyStatements.topic({ ...environment, servicePrincipals: ['events.amazonaws.com'] }), 'the deauthorization alert topic');
    }

    // A deterministic rule name: the queue's key policy names the rule's ARN, which through Fn::GetAtt would be a cycle.
    const ruleName = `${deterministicName(this, 57)}-deauth`;
    const ruleArn = formatArn(this, { service: 'events', resource: 'rule', resourceName: ruleName });
    const rule = new events.Rule(this, 'DeauthorizationRule', {
      ruleName,
      description: `EventBridge connection ${this.connectionName} is being or was deauthorized (e.g. its KMS key was disabled, deleted or became unreachable)`,
      eventPattern: {
        source: ['aws.events'],
        detailType: EncryptedConnection.DEAUTHORIZATION_DETAIL_TYPES,
        detail: { ConnectionName: [this.connectionName] },
      },
    });
    const what = `A deauthorization alert of EventBridge connection ${this.connectionName}`;
    if (hub && topic === hub.alertTopic) {
      rule.addTarget(hub.alertTarget(rule, ruleName, what));
      return { topic, deadLetterQueue: hub.alertDeadLetterQueue, rule };
    }
    // The connection's own dead-letter queue (or the hub's, for a topic the user brings), on the stack's dead-letter key.
    const deadLetterQueue = hub?.alertDeadLetterQueue
      ?? newDeadLetterQueue(this, 'AlertDeadLetterQueue', { key: SharedAlarmTopic.keyOf(this), usedBy: 'the connection deauthorization rule' });
    allowEventBridgeDeadLetters(this, [ruleArn]);
    alarmOnRuleDeliveryFailures(rule, ruleName, what);
    rule.addTarget(topicTarget(topic, ruleArn, deadLetterQueue));
    return { topic, deadLetterQueue, rule };
  }
}

/** EventBridge's default quota of invocations per second per API destination (adjustable). */
const DEFAULT_RATE_QUOTA = 300;
const NAME = /^[.\-_A-Za-z0-9]+$/;
const NAME_ALLOWED = 'letters, digits, ".", "-" and "_"';
const ENDPOINT_CHARACTERS = 'made of letters, digits, -()_.!~*\';/?:@&=+$, and %XX escapes (no spaces, non-ASCII, {placeholders} or #fragments)';

/** The checklist of the connection's props; every failing prop is reported in one error (tokens are skipped). */
function validateConnectionProps(scope: IConstruct, props: EncryptedConnectionProps): void {
  const v = new PropValidator(scope);
  if (props && typeof props === 'object' && props.alertTopic?.masterKey !== undefined && props.alertTopic.masterKey === props.encryptionKey) {
    v.check(false, 'alertTopic', props.alertTopic.node.path, 'must not be encrypted with the connection\'s own key (encryptionKey): its deauthorization alerts '
      + 'would need the key whose loss they report; give a topic on another key, or omit alertTopic', false);
  }
  // JavaScript callers: the props object, the required authorization and no null
  if (!v.props(props, { authorization: requiredObject('an events.Authorization (Authorization.apiKey(), .basic() or .oauth())', '_bind') })) v.throwIfInvalid();
  v.name('connectionName', props.connectionName, NAME, 64, NAME_ALLOWED);
  claimPhysicalName(v, scope, 'connectionName', 'EventBridge connection', props.connectionName);
  checkDescription(v, 'description', props.description);
  checkCredentials(scope, v, props);
  checkEncryptionKey(v, scope, props);
  v.throwIfInvalid();
}

function validateApiDestinationOptions(scope: IConstruct, id: string, options: ConnectionApiDestinationOptions): void {
  const path = `${scope.node.path}/${id}`;
  const v = new PropValidator({ node: { path } } as IConstruct);
  if (!v.props(options, {
    endpoint: { allowed: 'an https:// URL', is: e => typeof e === 'string' },
    rateLimitPerSecond: { allowed: 'a whole number of requests per second, at least 1', is: r => typeof r === 'number' },
  })) v.throwIfInvalid();
  if (typeof options.endpoint === 'string' && !Token.isUnresolved(options.endpoint)) {
    v.check(isHttpsUrl(options.endpoint, 2048), 'endpoint', options.endpoint, `must be an https:// URL of at most 2048 characters (EventBridge invokes only HTTPS endpoints) ${ENDPOINT_CHARACTERS}`);
  }
  const rate = options.rateLimitPerSecond;
  if (typeof rate === 'number' && !Token.isUnresolved(rate)) {
    v.check(Number.isInteger(rate) && rate >= 1, 'rateLimitPerSecond', `${rate} per second`,
      `must be a whole number of at least 1 (EventBridge's default quota is ${DEFAULT_RATE_QUOTA} per second per API destination)`, false);
  }
  checkDescription(v, 'description', options.description);
  v.name('apiDestinationName', options.apiDestinationName, NAME, 64, NAME_ALLOWED);
  claimPhysicalName(v, scope, 'apiDestinationName', 'EventBridge API destination', options.apiDestinationName, options.apiDestinationName, path);
  v.throwIfInvalid();
}

function checkDescription(v: PropValidator, prop: string, description: string | undefined): void {
  if (description === undefined || Token.isUnresolved(description)) return;
  v.check(description.length <= 512, prop, description, 'must be at most 512 characters');
}

/** The connection's secret ARN pattern (`events!connection/<name>/*`): the value of the `SecretARN` context. */
function secretArnPattern(scope: IConstruct, connectionName: string): string {
  const e = stackEnvironment(scope);
  return `arn:${e.partition}:secretsmanager:${e.region}:${e.account}:secret:events!connection/${connectionName}/*`;
}

/** Whether the key is known to belong to another account than the stack. */
function isOtherAccount(scope: IConstruct, key: kms.IKey): boolean {
  const keyAccount = key.env.account;
  const stackAccount = Stack.of(scope).account;
  return !Token.isUnresolved(keyAccount) && !Token.isUnresolved(stackAccount) && keyAccount !== stackAccount;
}
