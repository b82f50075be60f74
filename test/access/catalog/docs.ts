/**
 * The AWS documentation the access paths rest on: each entry the page and a short quote of what it says (or, where
 * the docs are silent, what they do and do not say). Kept in one place so a changed page is mended once.
 */
import { DocRef } from './types';

const doc = (url: string, quote: string): DocRef => ({ url, quote });

export const DOCS = {
  // --- EventBridge Scheduler -------------------------------------------------------------------------------------
  schedulerCreatorPermissions: doc('https://docs.aws.amazon.com/scheduler/latest/UserGuide/encryption-rest.html',
    'EventBridge Scheduler uses IAM permissions associated with the principal that creates a schedule to encrypt your data. (kms:DescribeKey, kms:GenerateDataKey, kms:Decrypt; the IAM example conditions them on kms:ViaService scheduler.<region>.amazonaws.com and the schedule ARN context)'),
  schedulerExecutionRoleDecrypt: doc('https://docs.aws.amazon.com/scheduler/latest/UserGuide/encryption-rest.html',
    'the execution role associated with your schedule must also have the required AWS KMS related permissions to call the AWS KMS API when decrypting data. (docs are silent on kms:ViaService for this call)'),
  schedulerEncryptionContext: doc('https://docs.aws.amazon.com/scheduler/latest/UserGuide/encryption-rest.html',
    '"encryptionContext": { "aws:scheduler:schedule:arn": "arn:aws:scheduler:us-west-2:123456789012:schedule/default/execution-role" }'),
  schedulerConfusedDeputy: doc('https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html',
    'The value of aws:SourceArn must be your EventBridge Scheduler schedule group ARN to which you want to scope this condition.'),
  schedulerDeadLetterQueue: doc('https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html',
    'To let EventBridge Scheduler to deliver dead-letter events to Amazon SQS, your schedule execution role needs the following permission policy.'),
  schedulerExecutionRole: doc('https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html',
    'EventBridge Scheduler assumes the execution role to invoke the schedule target (sts:AssumeRole by scheduler.amazonaws.com).'),
  schedulerResourceTypes: doc('https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridgescheduler.html',
    'schedule: arn:${Partition}:scheduler:${Region}:${Account}:schedule/${GroupName}/${ScheduleName} (GetSchedule: schedule*)'),

  // --- EventBridge connections ------------------------------------------------------------------------------------
  connectionKeyPolicy: doc('https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-connections.html',
    'The AWS KMS key policy must grant EventBridge the following permissions on your behalf: kms:DescribeKey kms:GenerateDataKey kms:Decrypt'),
  connectionKeyTag: doc('https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-connections.html',
    'For EventBridge to use a customer managed key, you must add a resource tag to the key with a key of EventBridgeApiDestinations and a value of true.'),
  connectionServiceLinkedRole: doc('https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonEventBridgeApiDestinationsServiceRolePolicy.html',
    'kms:Decrypt, kms:Encrypt, kms:GenerateDataKey on arn:aws:kms:*:*:key/* with kms:ViaService secretsmanager.*.amazonaws.com, kms:EncryptionContext:SecretARN events!connection/*, aws:ResourceTag/EventBridgeApiDestinations true'),
  connectionEncryptionContext: doc('https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-connections.html',
    'The context includes a single key–value pair, which contains the secret ARN. ("kms:EncryptionContext:SecretARN": "secret-arn")'),
  eventsConnectionArnForPolicy: doc('https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-connection.html',
    'ArnForPolicy: Returns the Amazon Resource Name (ARN) of a connection in resource format, so it can be used in the Resource element of IAM permission policy statements. (SAR: connection/${ConnectionName})'),
  secretsManagerResourceTypes: doc('https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html',
    'secret: arn:${Partition}:secretsmanager:${Region}:${Account}:secret:${SecretId} (the ARN ends in a hyphen and six random characters)'),

  // --- EventBridge buses and archives -----------------------------------------------------------------------------
  eventBusKeyPolicy: doc('https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-cmkey.html',
    'AllowEventBridgeToValidateKeyPermission: kms:DescribeKey (no condition); AllowEventBridgeToEncryptEvents: kms:GenerateDataKey, kms:Decrypt with kms:EncryptionContext:aws:events:event-bus:arn and aws:SourceArn = the event bus ARN'),
  eventBusCallerPermissions: doc('https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-cmkey.html',
    'To create or update an event bus encrypted using a customer managed key, you must have the following permissions to the specified customer managed key: kms:GenerateDataKeyWithoutPlaintext kms:Decrypt kms:Encrypt kms:ReEncryptFrom kms:ReEncryptTo kms:DescribeKey (docs are silent on kms:ViaService for these calls)'),
  archiveKeyPolicy: doc('https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-archives.html',
    'For event archives, EventBridge uses the same encryption context in all AWS KMS cryptographic operations. The context includes a single key–value pair, which contains the event bus ARN. (no aws:SourceArn in the documented policy)'),
  eventsResourceTypes: doc('https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html',
    'event-bus: arn:${Partition}:events:${Region}:${Account}:event-bus/${EventBusName}; archive: ...:archive/${ArchiveName}; replay: ...:replay/${ReplayName}'),
  eventBridgeDeadLetterQueue: doc('https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html',
    '"Principal": {"Service": "events.amazonaws.com"}, "Action": "sqs:SendMessage", "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:events:us-west-2:123456789012:rule/MyTestRule"}}'),
  eventBridgeDeadLetterQueueKey: doc('https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html#eb-sqs-encrypted',
    'If your Amazon SQS queue is encrypted, you must create a customer-managed KMS key and include the following permission section in your KMS key policy. (events.amazonaws.com, kms:Decrypt, kms:GenerateDataKey, no condition)'),
  eventBridgeSnsTopicPolicy: doc('https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html',
    'For EventBridge event bus rule targets, the value of aws:SourceArn must be the rule ARN.'),

  // --- SNS, SQS, CloudWatch alarms --------------------------------------------------------------------------------
  snsEventSourcesEncryptedTopics: doc('https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html',
    'Adding the aws:SourceAccount, aws:SourceArn, and aws:SourceOrgID to a AWS KMS policy is not supported for EventBridge-to-encrypted topics.'),
  cloudWatchAlarmTopicPolicy: doc('https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html#SNS_Confused_Deputy',
    'The value of aws:SourceArn must be the ARN of the alarm that is sending notifications. (with StringEquals aws:SourceAccount)'),
  sqsKeyForProducers: doc('https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html',
    'the producer must have the kms:Decrypt and kms:GenerateDataKey permissions for the KMS key. (docs are silent on the encryption context SQS sends)'),
  lambdaDeadLetterQueue: doc('https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html',
    'the producer must have the kms:Decrypt and kms:GenerateDataKey permissions for the KMS key. (Lambda sends to its dead-letter queue with the execution role; the Lambda docs are silent on KMS)'),

  // --- RDS --------------------------------------------------------------------------------------------------------
  rdsKeyUse: doc('https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.Keys.html',
    'When RDS uses a customer managed key in cryptographic operations, it acts on behalf of the user who is creating or changing the RDS resource. (kms:CreateGrant, kms:DescribeKey; kms:ViaService rds.<region>)'),
  rdsEncryptionContext: doc('https://docs.aws.amazon.com/kms/latest/developerguide/services-rds.html',
    'At minimum, Amazon RDS always uses the DB instance ID for the encryption context ({ "aws:rds:db-id": "db-CQYSMDPBRZ7BPMH7Y3RTDG5QY" })'),
  rdsMasterSecret: doc('https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html#rds-secrets-manager-permissions',
    'the user who specifies the customer managed key to encrypt the secret in Secrets Manager must have permissions to perform the following operations: kms:Decrypt, kms:GenerateDataKey, kms:CreateGrant'),
  secretsManagerEncryption: doc('https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html',
    'Secrets Manager uses an encryption context with two name–value pairs that identify the secret and its version (SecretARN, SecretVersionId); kms:ViaService secretsmanager.<Region>.amazonaws.com'),
  rdsManagedRotation: doc('https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_managed.html',
    'With managed rotation, you don\'t use an AWS Lambda function to update the secret and the credentials in the database. (docs are silent on which principal calls KMS; the RDS service-linked role has no KMS permissions)'),
  rdsPerformanceInsights: doc('https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PerfInsights.access-control.cmk-policy.html',
    'users in your account that call the Performance Insights API need the kms:Decrypt and kms:GenerateDataKey permissions on the KMS key. (kms:ViaService rds.<region>; context aws:pi:service=rds, service=pi, aws:rds:db-id)'),
  rdsEnhancedMonitoring: doc('https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html',
    'For Amazon RDS, set aws:SourceArn to arn:aws:rds:Region:my-account-id:db:dbname. (trusted entity monitoring.rds.amazonaws.com, with aws:SourceAccount)'),
  rdsResourceTypes: doc('https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonrds.html',
    'db: arn:${Partition}:rds:${Region}:${Account}:db:${DbInstanceName}'),

  // --- CloudTrail, CloudWatch Logs, S3 ----------------------------------------------------------------------------
  cloudTrailKeyPolicy: doc('https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html',
    'The value of aws:SourceArn is always the trail ARN (or array of trail ARNs) that is using the KMS key. (kms:GenerateDataKey* with kms:EncryptionContext:aws:cloudtrail:arn; kms:DescribeKey)'),
  cloudTrailBucketKeyDecrypt: doc('https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html',
    'If you are using an existing S3 bucket with an S3 Bucket Key, kms:Decrypt permissions are required to create or update a trail with SSE-KMS encryption enabled.'),
  cloudTrailBucketPolicy: doc('https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html',
    'The value of aws:SourceArn is always the ARN of the trail (or array of trail ARNs) that is using the bucket to store logs. (s3:GetBucketAcl; s3:PutObject on AWSLogs/<account>/* with s3:x-amz-acl bucket-owner-full-control)'),
  cloudTrailLogsRole: doc('https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html',
    'Confused deputy prevention is not applicable to the role policy for CloudWatch Logs monitoring. The role policy doesn\'t support the use of aws:SourceArn and aws:SourceAccount.'),
  cloudTrailLogStreams: doc('https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-log-group-log-stream-naming-for-cloudtrail.html',
    'it names the log stream according to the following format: account_ID_CloudTrail_source_region. ... If the volume of CloudTrail logs is large, multiple log streams may be created'),
  logsKeyPolicy: doc('https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html',
    'CloudWatch Logs now supports encryption context, using kms:EncryptionContext:aws:logs:arn as the key and the ARN of the log group as the value'),
  s3ServerAccessLogs: doc('https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html',
    'We recommend that you update the bucket policy on the target bucket to grant access to the logging service principal (logging.s3.amazonaws.com) for access log delivery. (aws:SourceArn = source bucket, aws:SourceAccount)'),

  // --- Lambda, CloudFormation ---------------------------------------------------------------------------------------
  lambdaExecutionRole: doc('https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html',
    'A Lambda function\'s execution role is an AWS Identity and Access Management (IAM) role that grants the function permission to access AWS services and resources. (trusted by lambda.amazonaws.com)'),
  lambdaVpc: doc('https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html',
    'Lambda creates the function\'s network interfaces with its execution role (the AWSLambdaVPCAccessExecutionRole managed policy lists ec2:CreateNetworkInterface, DescribeNetworkInterfaces, DescribeSubnets, DeleteNetworkInterface, AssignPrivateIpAddresses, UnassignPrivateIpAddresses)'),
  customResourceInvoke: doc('https://docs.aws.amazon.com/lambda/latest/dg/services-cloudformation.html',
    'The service token is the Amazon Resource Name (ARN) of the function that AWS CloudFormation invokes when you create, update, or delete the stack. (docs are silent on the invoking principal: the stack\'s role)'),

  // --- KMS ----------------------------------------------------------------------------------------------------------
  kmsDefaultPolicyRoot: doc('https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam',
    'Allows access to the AWS account and enables IAM policies (the account principal with kms:*).'),
  kmsStrictMode: doc('https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam',
    'Without the account-root kms:* statement, IAM policies alone cannot grant the use of the key: only the principals the key policy names may use it (the library\'s strict mode).'),
  kmsCrossAccount: doc('https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html',
    'Principals in another account need permission in the key policy of the KMS key and in an IAM policy in their own account.'),
  kmsLockoutSafetyCheck: doc('https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html',
    'If you don\'t set BypassPolicyLockoutSafetyCheck to true, the key policy must allow the principal that is making the PutKeyPolicy request to make a subsequent PutKeyPolicy request on the KMS key.'),
  kmsEncryptionContextCondition: doc('https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context',
    'kms:EncryptionContext:context-key controls access based on the encryption context in a cryptographic operation; kms:EncryptionContextKeys on its keys.'),
  kmsViaService: doc('https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service',
    'The kms:ViaService condition key limits use of an KMS key to requests from specified AWS services.'),
  kmsResourceTypes: doc('https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html',
    'key: arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}'),
  controlTowerKmsGrants: doc('https://docs.aws.amazon.com/controltower/latest/controlreference/kms-rules.html',
    'CT.KMS.PR.3: Require an AWS KMS key policy to have a statement that limits creation of AWS KMS grants to AWS services'),
} as const;
