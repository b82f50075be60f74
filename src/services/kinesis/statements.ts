/**
 * What KMS must allow for Kinesis Data Streams: a producer writing to a stream encrypted with a customer managed key.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { keyEnvironment, KeyStatementEnvironment, viaService } from '../kms/environment';

/** A producer of a stream encrypted with a customer managed key, for its key statements. */
export interface StreamProducerKeyStatementProps extends KeyStatementEnvironment {
  /** The producers (e.g. the role EventBridge assumes to put a rule's events on the stream). */
  readonly principals: iam.IPrincipal[];
  /**
   * The stream's ARN, or an ARN pattern (`StringLike`) when its name is generated at deploy time: the value of the
   * `aws:kinesis:arn` encryption context.
   */
  readonly streamArn: string;
}

/**
 * The call a producer makes through Kinesis Data Streams on a stream's key: "Your Kinesis stream producers must have
 * the kms:GenerateDataKey permission", under the encryption context Kinesis passes in all its KMS calls
 * (`aws:kinesis:arn` = the stream's ARN, "To restrict the use of your KMS key to requests from Kinesis Data Streams on a
 * specific stream, use the kms:EncryptionContext:aws:kinesis:arn condition key"), and only through Kinesis
 * (`kms:ViaService`). The same statement serves a key policy (naming the producers) and the producers' IAM policy.
 *
 * @see https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
 */
export function streamProducerStatement(props: StreamProducerKeyStatementProps): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'KinesisStreamProducer',
    principals: props.principals,
    actions: ['kms:GenerateDataKey'],
    resources: ['*'],
    conditions: streamProducerConditions(props),
  });
}

/** The conditions of {@link streamProducerStatement}, for the producer's own IAM statement. */
export function streamProducerConditions(props: Omit<StreamProducerKeyStatementProps, 'principals'>): Record<string, Record<string, unknown>> {
  return {
    StringEquals: { 'kms:ViaService': viaService('kinesis', keyEnvironment(props).region) },
    StringLike: { 'kms:EncryptionContext:aws:kinesis:arn': props.streamArn },
  };
}
