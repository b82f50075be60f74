/**
 * How the pack reads a key policy: its Allow statements, their principals and actions, the condition keys that
 * restrict them, and, per service principal, the condition keys the service documents.
 */
import { PATTERNS, PatternName } from './patterns';
import { asList } from './template';

/** One statement of a key policy, as the template holds it. */
export interface KeyPolicyStatement {
  readonly Effect?: string;
  readonly Principal?: unknown;
  readonly Action?: unknown;
  readonly NotAction?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/**
 * The statements of a key's `KeyPolicy`: its `Statement` list (`[]` when it has none). A single statement object,
 * which the IAM grammar also allows, is not read: cfn-guard 3.1 cannot filter it like a list, and the pack reads what
 * the guard file reads (a known limit, docs/rule-pack.md). aws-cdk-lib always writes a list.
 */
export function keyPolicyStatements(properties: Record<string, any>): KeyPolicyStatement[] {
  const statements = properties.KeyPolicy?.Statement;
  return Array.isArray(statements) ? statements : [];
}

/** The Allow statements of a key policy. */
export function allowStatements(properties: Record<string, any>): KeyPolicyStatement[] {
  return keyPolicyStatements(properties).filter(s => s.Effect === 'Allow');
}

/** The service principals a statement names (`Principal.Service`, one or a list). */
export function servicePrincipals(statement: KeyPolicyStatement): unknown[] {
  return asList((statement.Principal as Record<string, unknown> | undefined)?.Service);
}

/** Whether a statement's principal is everyone: `"*"`, or `*` among `Principal.AWS`. */
export function isOpenPrincipal(statement: KeyPolicyStatement): boolean {
  if (statement.Principal === '*') return true;
  return asList((statement.Principal as Record<string, unknown> | undefined)?.AWS).some(p => p === '*');
}

/** Whether a statement allows a use of the key: an action `ec_key_usage_action` matches, or any `NotAction`. */
export function allowsKeyUsage(statement: KeyPolicyStatement): boolean {
  if (statement.NotAction !== undefined) return true;
  return asList(statement.Action).some(a => typeof a === 'string' && PATTERNS.ec_key_usage_action.test(a));
}

/**
 * The condition keys of a statement under operators that restrict it: every operator but `Null` (which only tests
 * that a key is present), and with `strict` none of `ec_unrestricting_operator` (`...IfExists` too, which passes a
 * request that does not carry the key).
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
export function restrictingConditionKeys(statement: KeyPolicyStatement, strict = false): string[] {
  return Object.entries(statement.Condition ?? {})
    .filter(([operator]) => (strict ? !PATTERNS.ec_unrestricting_operator.test(operator) : operator !== 'Null'))
    .flatMap(([, block]) => (block && typeof block === 'object' ? Object.keys(block) : []));
}

/** What a service documents about the condition keys that keep its use of a key to the right resources. */
export interface ServiceConditions {
  /** Which service principals this entry is for. */
  readonly principal: PatternName;
  /** The condition keys the service sends on its calls to KMS (any one of them satisfies the rule). */
  readonly keys: PatternName;
  /** Where the service documents them. */
  readonly docs: string[];
}

/**
 * The condition keys the pack accepts on a statement for a service principal that may use the key, per service. A
 * service this table does not name must carry one of `ec_any_service_condition_keys` (a confused-deputy key, the
 * calling service, or an encryption context). Exception, in `KMSServicePrincipalConditions`: EventBridge delivering to
 * an encrypted SNS topic, where SNS documents that `aws:SourceAccount` and `aws:SourceArn` are not supported.
 */
export const SERVICE_CONDITIONS: ServiceConditions[] = [
  {
    // bus: aws:SourceArn, aws:SourceAccount and the bus context; archive: the bus context; bus logs:
    // kms:EncryptionContext:SourceArn; a rule's or bus's encrypted dead-letter queue: aws:SourceArn.
    principal: 'ec_events_service_principal',
    keys: 'ec_events_condition_keys',
    docs: [
      'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-cmkey.html',
      'https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-archives.html',
      'https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-bus-logs.html',
      'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html#eb-sqs-encrypted',
    ],
  },
  {
    principal: 'ec_cloudtrail_service_principal',
    keys: 'ec_cloudtrail_condition_keys',
    docs: ['https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html'],
  },
  {
    // CloudWatch alarms publishing to an encrypted SNS topic.
    principal: 'ec_cloudwatch_service_principal',
    keys: 'ec_cloudwatch_condition_keys',
    docs: ['https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html'],
  },
  {
    principal: 'ec_logs_service_principal',
    keys: 'ec_logs_condition_keys',
    docs: ['https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html'],
  },
];

/**
 * The condition keys accepted for a service principal: its entry in `SERVICE_CONDITIONS`, or
 * `ec_any_service_condition_keys` for a service the table does not name (and for a principal that is not a string).
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
 */
export function acceptedConditionKeys(principal: unknown): RegExp {
  const entry = typeof principal === 'string' ? SERVICE_CONDITIONS.find(e => PATTERNS[e.principal].test(principal)) : undefined;
  return PATTERNS[entry?.keys ?? 'ec_any_service_condition_keys'];
}
