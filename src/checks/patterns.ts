/**
 * The patterns the pack's rules match, each written once here and once, character for character, in the guard file
 * (`rules/encrypted-constructs.guard`, as `let <name> = /<pattern>/`): the test of the checks compares them. A
 * case-insensitive pattern (flag `i`) is written `(?i)<pattern>` in the guard file, which has no flags. cfn-guard 3.1
 * cannot parse a pattern that ends with an escaped slash (`\//`): such patterns end with `.*` instead, which matches
 * the same strings (both engines search, unanchored).
 */
export const PATTERNS = {
  /**
   * A key named by an AWS managed key's alias (`alias/aws/<service>`, or its alias ARN). Its policy cannot be changed
   * (it lets every principal of the account use the key through its service), and it cannot be disabled or deleted.
   *
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key
   */
  ec_aws_managed_key: /(^|:)alias\/aws\/.*/,

  /**
   * The log groups RDS exports a DB instance's or cluster's logs to: `/aws/rds/instance/<identifier>/<log type>` and
   * `/aws/rds/cluster/<identifier>/<log type>`. RDS creates them, without a key, when they do not exist.
   *
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.MySQLDB.PublishtoCloudWatchLogs.html
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.CloudWatch.html
   */
  ec_rds_log_group_name: /^\/aws\/rds\/(instance|cluster)\/.*/,

  /**
   * A key-policy action that names or covers a use of the key (`kms:Decrypt`, `kms:Encrypt`, `kms:GenerateDataKey*`,
   * `kms:ReEncrypt*`, `kms:CreateGrant`): the action itself, a longer action starting with one of them
   * (`kms:GenerateDataKeyWithoutPlaintext`), `*`, `kms:*`, or a trailing wildcard over a prefix of one of them
   * (`kms:ReEncrypt*`, `kms:Gen*`, `kms:De*`). Action names are case-insensitive.
   *
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
   */
  ec_key_usage_action: /^(\*|kms:\*|kms:(Decrypt|Encrypt|GenerateDataKey|ReEncrypt|CreateGrant).*|kms:(D(e(c(r(y(pt?)?)?)?)?)?|E(n(c(r(y(pt?)?)?)?)?)?|G(e(n(e(r(a(t(e(D(a(t(a(K(ey?)?)?)?)?)?)?)?)?)?)?)?)?)?|R(e(E(n(c(r(y(pt?)?)?)?)?)?)?)?|C(r(e(a(t(e(G(r(a(nt?)?)?)?)?)?)?)?)?)?)\*)$/i,

  /**
   * Condition keys that keep a wildcard principal (`"*"`, `{"AWS": "*"}`) to an account, an organization or named
   * principals: the caller's account (`kms:CallerAccount`, `aws:PrincipalAccount`), organization
   * (`aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`) or ARN (`aws:PrincipalArn`).
   *
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalaccount
   */
  ec_account_condition_keys: /^(kms:CallerAccount|aws:PrincipalAccount|aws:PrincipalOrgID|aws:PrincipalOrgPaths|aws:PrincipalArn)$/i,

  /**
   * Condition operators that do not keep a statement to the values they name: `Null` (tests only that a key is
   * present) and `...IfExists` (passes a request that does not carry the key).
   *
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
   */
  ec_unrestricting_operator: /(^Null$|IfExists$)/,

  /** Every service principal `SERVICE_CONDITIONS` names (the others get `ec_any_service_condition_keys`). */
  ec_named_service_principals: /^((events|cloudtrail|cloudwatch)\.amazonaws\.com|logs\.[a-z0-9-]+\.amazonaws\.com)$/,

  /** EventBridge: see `SERVICE_CONDITIONS`. */
  ec_events_service_principal: /^events\.amazonaws\.com$/,
  /** CloudTrail: see `SERVICE_CONDITIONS`. */
  ec_cloudtrail_service_principal: /^cloudtrail\.amazonaws\.com$/,
  /** CloudWatch (alarm actions): see `SERVICE_CONDITIONS`. */
  ec_cloudwatch_service_principal: /^cloudwatch\.amazonaws\.com$/,
  /** `events.amazonaws.com`: see `SERVICE_CONDITIONS`. */
  ec_events_condition_keys: /^(aws:SourceArn|aws:SourceAccount|kms:EncryptionContext:aws:events:event-bus:arn|kms:EncryptionContext:SourceArn)$/i,
  /** `cloudtrail.amazonaws.com`: see `SERVICE_CONDITIONS`. */
  ec_cloudtrail_condition_keys: /^(aws:SourceArn|aws:SourceAccount|kms:EncryptionContext:aws:cloudtrail:arn)$/i,
  /** `cloudwatch.amazonaws.com`: see `SERVICE_CONDITIONS`. */
  ec_cloudwatch_condition_keys: /^(aws:SourceArn|aws:SourceAccount)$/i,
  /** `logs.<region>.amazonaws.com`: see `SERVICE_CONDITIONS`. */
  ec_logs_service_principal: /^logs\.[a-z0-9-]+\.amazonaws\.com$/,
  /** `logs.<region>.amazonaws.com`: see `SERVICE_CONDITIONS`. */
  ec_logs_condition_keys: /^kms:EncryptionContext:aws:logs:arn$/i,
  /** Any other service principal: see `SERVICE_CONDITIONS`. */
  ec_any_service_condition_keys: /^(aws:SourceArn|aws:SourceAccount|aws:SourceOrgID|aws:SourceOrgPaths|kms:ViaService|kms:EncryptionContextKeys|kms:EncryptionContext:.+)$/i,
};

/** The name of each pattern, as the guard file's `let` names it. */
export type PatternName = keyof typeof PATTERNS;
