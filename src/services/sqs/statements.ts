/**
 * What KMS must allow for SQS: the key-policy statement for the principals that send to (or receive from) an
 * encrypted queue.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { keyEnvironment, KeyStatementEnvironment, viaService } from '../kms/environment';

/** Identifiers of an SQS queue, for its key-policy statements. */
export interface QueueKeyStatementProps extends KeyStatementEnvironment {
  /** The principals that send messages to (or receive from) the queue. */
  readonly principals: iam.IPrincipal[];
  /**
   * Roles whose ARN matches one of these patterns (`aws:PrincipalArn`, `ArnLike`): give the account root as the
   * principal, e.g. to let every execution role under an IAM path send.
   *
   * @default - no `aws:PrincipalArn` condition
   */
  readonly principalArnPatterns?: string[];
  /**
   * For service principals: the resources (ARNs or `ArnLike` patterns) on whose behalf the service may send. Checked
   * only when the service presents an `aws:SourceArn` (`ArnLikeIfExists`): AWS does not document that it does.
   *
   * @default - no `aws:SourceArn` condition
   */
  readonly sourceArns?: string[];
}

/**
 * The principals that send to an encrypted queue may generate and decrypt data keys. IAM roles are confined to calls
 * through SQS (`kms:ViaService`: their calls through SQS are forward access sessions, which carry it). AWS service
 * principals get the statement AWS documents, whose only condition is that an `aws:SourceArn`, if the service
 * presents one, names one of `sourceArns`: the docs promise neither `kms:ViaService` nor an `aws:SourceArn` for these
 * calls, and a condition the service does not meet silently drops the messages.
 *
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html#eb-sqs-encrypted
 */
export function queueStatement(props: QueueKeyStatementProps): iam.PolicyStatement {
  const services = props.principals.every(p => p instanceof iam.ServicePrincipal);
  const sources = props.sourceArns ?? [];
  let conditions: Record<string, Record<string, unknown>> | undefined;
  if (!services) {
    conditions = { StringEquals: { 'kms:ViaService': viaService('sqs', keyEnvironment(props).region) } };
    if (props.principalArnPatterns?.length) {
      conditions.ArnLike = { 'aws:PrincipalArn': props.principalArnPatterns.length === 1 ? props.principalArnPatterns[0] : props.principalArnPatterns };
    }
  } else if (sources.length > 0) {
    conditions = { ArnLikeIfExists: { 'aws:SourceArn': sources.length === 1 ? sources[0] : sources } };
  }
  return new iam.PolicyStatement({
    sid: 'SqsQueue',
    principals: props.principals,
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    resources: ['*'],
    conditions,
  });
}
