import { Annotations, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { bindBusLogDestination, BoundBusLogDestination, BusLogDestination, destinationNoun, isNewLogGroup, validateBusLogDestination } from './bus-log-destinations';
import { stackEnvironment } from '../internal/arns';
import { deterministicName } from '../internal/names';
import { namedResourceRemovalPolicy } from '../internal/removal-policies';
import { PropValidator } from '../internal/validation';
import { addKeyStatements } from '../key/key-policy';
import { KeyPolicyStatements } from '../key/statements';
import { BUS_LOG_DETAILS, BUS_LOG_LEVELS, busLogGroupName, busLogTypes, DELIVERY_NAME_MAX_LENGTH } from '../services/events/bus-logs';
import { logGroupArn } from '../services/logs/arns';
import { logDeliveryWriteStatement } from '../services/logs/delivery';
import { SharedAlarmTopic } from '../stack/alarm-topic';

/** The warning id for bus logs that include full event detail (payloads in the log group). */
export const BUS_LOG_DETAIL_WARNING = 'cdk-encrypted-constructs:bus-log-detail';

/**
 * Logging of a new event bus: what EventBridge records about the events it processes, delivered through CloudWatch
 * Logs' vended-log resources (a delivery source per log type, a delivery destination, a delivery each) to a CloudWatch
 * Logs log group, an S3 bucket or a Firehose stream on a customer managed key that is not the bus key.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-logs.html
 */
export interface BusLogging {
  /**
   * What the bus logs: `ERROR` (errors during event processing and target delivery), `INFO` (errors and the major
   * steps), or `TRACE` (every step). `OFF` is not accepted: omit `logging` to log nothing.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_LogConfig.html
   */
  readonly level: events.Level;

  /**
   * Whether the records carry the event's detail, the target's input and the request sent to the target. `FULL`
   * writes event payloads into the log group, readable by whoever may read the group and decrypt with its key: a
   * synth-time warning (`cdk-encrypted-constructs:bus-log-detail`) says so, and can be acknowledged.
   *
   * @default events.IncludeDetail.NONE
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-logs.html
   */
  readonly includeDetail?: events.IncludeDetail;

  /**
   * Where the records go: `BusLogDestination.logGroup()` (a new log group, the default), `.logGroup(group)`,
   * `.bucket(bucket)` or `.firehose(stream)`. Each must be on a customer managed key that is not the bus key.
   *
   * @default BusLogDestination.logGroup() - a new log group (child `LogGroup`)
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-vended-logs-permissions-V2.html
   */
  readonly destination?: BusLogDestination;

  /**
   * How long the new log group keeps the records. Only for the log group the construct creates.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly retention?: logs.RetentionDays;

  /**
   * The key that encrypts the new log group, never the bus key: the log group must stay readable while the bus key is
   * disabled, which is when its records matter. CloudWatch Logs may use it only for this log group. Only for the log
   * group the construct creates (a destination of yours brings its own key).
   *
   * @default - the stack's dead-letter key (the shared alarm topic's key), which never encrypts an event bus
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
   */
  readonly encryptionKey?: kms.IKey;
}

/** The bus whose logs are delivered, as the logging steps see it. */
export interface LoggedBus {
  readonly eventBus: events.IEventBus;
  readonly eventBusName: string;
  /** Built from the name (no `Fn::GetAtt`): the delivery sources' resource. */
  readonly eventBusArn: string;
  /** The bus key. */
  readonly key: kms.IKey;
  /** Adds statements to the bus key's policy (or warns with them when the policy is not ours). */
  readonly addKeyStatements: (statements: iam.PolicyStatement[], purpose: string) => void;
}

/** The log delivery of one bus. */
export interface BusLogDelivery {
  /** The log group the records go to, unless they go to a bucket or a stream. */
  readonly logGroup?: logs.ILogGroup;
  readonly deliverySources: logs.CfnDeliverySource[];
  readonly deliveries: logs.CfnDelivery[];
}

/** Checks `logging` (one entry each), for a construct that creates its bus unless `eventBus` is given. */
export function validateBusLogging(v: PropValidator, scope: Construct, logging: BusLogging | undefined, busGiven: boolean, busKey: kms.IKey | undefined): void {
  if (logging === undefined) return;
  if (typeof logging !== 'object' || logging === null) {
    v.check(false, 'logging', typeof logging, 'must be an object such as { level: events.Level.ERROR }', false);
    return;
  }
  v.check(!busGiven, 'logging', 'bus logging', 'must not be given together with eventBus: the construct can set the logging only of a bus it creates '
    + '(configure your bus\'s LogConfig and log delivery where it is defined)', false);
  const levels = BUS_LOG_LEVELS.map(l => l.level);
  if (!Token.isUnresolved(logging.level)) {
    v.check(levels.includes(logging.level), 'logging.level', logging.level, logging.level === events.Level.OFF
      ? 'must log something: omit logging to log nothing'
      : `must be one of ${levels.join(', ')} (events.Level)`);
  }
  if (logging.includeDetail !== undefined && !Token.isUnresolved(logging.includeDetail)) {
    v.check(BUS_LOG_DETAILS.includes(logging.includeDetail), 'logging.includeDetail', logging.includeDetail, `must be one of ${BUS_LOG_DETAILS.join(', ')} (events.IncludeDetail)`);
  }
  if (logging.retention !== undefined && !Token.isUnresolved(logging.retention)) {
    v.check(Object.values(logs.RetentionDays).includes(logging.retention), 'logging.retention', logging.retention,
      'must be a logs.RetentionDays value (a number of days CloudWatch Logs accepts)', false);
  }
  v.check(logging.encryptionKey === undefined || busKey === undefined || logging.encryptionKey !== busKey, 'logging.encryptionKey', logging.encryptionKey?.node.path,
    'must not be the bus key (encryptionKey): the log group must stay readable while the bus key is disabled; use another key, or omit it for the stack\'s dead-letter key');
  validateBusLogDestination(v, scope, logging.destination, busKey);
  if (!isNewLogGroup(logging.destination)) {
    for (const prop of ['retention', 'encryptionKey'] as const) {
      v.check(logging[prop] === undefined, `logging.${prop}`, `${prop} with a destination of your own`,
        `applies only to the log group the construct creates: set it on your ${destinationNoun(logging.destination)}`, false);
    }
  }
}

/**
 * The bus's log delivery: the `LogConfig` on the bus; the destination (a new log group, or the user's group, bucket
 * or stream, given what it needs to receive); one delivery source per log type of the level, a delivery destination
 * and a delivery per source; the key statements for the records in transit on the bus key; a warning for full detail.
 */
export function deliverBusLogs(scope: Construct, bus: LoggedBus, logging: BusLogging, removalPolicy: RemovalPolicy): BusLogDelivery {
  const env = stackEnvironment(scope);
  const includeDetail = logging.includeDetail ?? events.IncludeDetail.NONE;
  (bus.eventBus.node.defaultChild as events.CfnEventBus).logConfig = { level: logging.level, includeDetail };
  const where = destinationNoun(logging.destination);
  if (includeDetail === events.IncludeDetail.FULL) {
    Annotations.of(scope).addWarningV2(BUS_LOG_DETAIL_WARNING, [
      `The event bus ${bus.eventBusName} logs with includeDetail FULL: event payloads, target inputs and target requests are written to its ${where}.`,
      `Whoever may read the ${where} and decrypt with its key reads them. Use IncludeDetail.NONE, or acknowledge this warning if it is on purpose.`,
    ].join('\n'));
  }

  // The records are encrypted in transit with the bus key, then by the destination with its own key.
  bus.addKeyStatements(KeyPolicyStatements.eventBusLogs(env), `the logs of the EventBridge event bus ${bus.eventBusName}`);
  const target = isNewLogGroup(logging.destination)
    ? newLogGroup(scope, bus, logging, removalPolicy)
    : bindBusLogDestination(scope, logging.destination!, `the logs of the EventBridge event bus ${bus.eventBusName}`);

  const destination = new logs.CfnDeliveryDestination(scope, 'LogDestination', {
    name: deliveryName(scope, 'Logs'),
    destinationResourceArn: target.destinationArn,
  });
  target.dependencies.forEach(d => destination.node.addDependency(d));
  const deliverySources: logs.CfnDeliverySource[] = [];
  const deliveries: logs.CfnDelivery[] = [];
  for (const logType of busLogTypes(logging.level)) {
    const id = pascal(logType);
    const source = new logs.CfnDeliverySource(scope, `${id}Source`, {
      name: deliveryName(scope, id),
      logType,
      resourceArn: bus.eventBusArn,
    });
    source.node.addDependency(bus.eventBus);
    const delivery = new logs.CfnDelivery(scope, `${id}Delivery`, { deliverySourceName: source.ref, deliveryDestinationArn: destination.attrArn });
    // one delivery at a time to the one destination
    if (deliveries.length > 0) delivery.node.addDependency(deliveries[deliveries.length - 1]);
    deliverySources.push(source);
    deliveries.push(delivery);
  }
  return { logGroup: target.logGroup, deliverySources, deliveries };
}

/**
 * The construct's own log group (child `LogGroup`, on `logging.encryptionKey` or the stack's dead-letter key, never the
 * bus key), whose resource policy lets the log delivery service write, and its key's CloudWatch Logs statement.
 */
function newLogGroup(scope: Construct, bus: LoggedBus, logging: BusLogging, removalPolicy: RemovalPolicy): BoundBusLogDestination {
  const env = stackEnvironment(scope);
  const logGroupName = busLogGroupName(bus.eventBusName);
  const groupArn = logGroupArn(scope, logGroupName);
  const logKey = logging.encryptionKey ?? SharedAlarmTopic.keyOf(scope);
  addKeyStatements(scope, logKey, [KeyPolicyStatements.logGroup({ ...env, logGroupArn: groupArn })], `the log group of the event bus ${bus.eventBusName}`);
  const logGroup = new logs.LogGroup(scope, 'LogGroup', {
    logGroupName,
    encryptionKey: logKey,
    retention: logging.retention ?? logs.RetentionDays.ONE_YEAR,
    // Named after the bus: RetainExceptOnCreate, so that a rolled-back first deploy does not block the retry.
    removalPolicy: namedResourceRemovalPolicy(removalPolicy),
  });
  // The log group's own resource policy (one per group), not an account-level AWS::Logs::ResourcePolicy (ten per
  // account and region): it names the group by its built ARN, so it holds no reference to the group itself.
  (logGroup.node.defaultChild as logs.CfnLogGroup).resourcePolicyDocument = new iam.PolicyDocument({
    statements: [logDeliveryWriteStatement({ ...env, logGroupArn: groupArn })],
  });
  return { destinationArn: groupArn, dependencies: [logGroup], logGroup };
}

/**
 * A delivery source's or destination's name: unique in the account (derived from the construct path, with a hash),
 * 1 to 60 word characters and `-`, known before deploy.
 */
function deliveryName(scope: Construct, suffix: string): string {
  return `${deterministicName(scope, DELIVERY_NAME_MAX_LENGTH - suffix.length - 1)}-${suffix}`;
}

/** `ERROR_LOGS` -> `ErrorLogs`. */
function pascal(text: string): string {
  return text.toLowerCase().split('_').map(w => w[0].toUpperCase() + w.slice(1)).join('');
}
