/**
 * The KMS key ARN form, measured: how many characters a key's ARN takes in a synthesized document.
 */
import { Stack, Token } from 'aws-cdk-lib';
import { stackEnvironment } from '../../internal/arns';

/**
 * Characters of a KMS key ARN, `arn:<partition>:kms:<region>:<account>:key/<36-character key id>`, for the stack's
 * environment (the longest partition and region names when the stack's are deploy-time values).
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id-key-ARN
 */
export function kmsKeyArnCharacters(stack: Stack): number {
  const { account, region, partition } = stackEnvironment(stack);
  const literal = (value: string, longest: number) => (Token.isUnresolved(value) ? longest : value.length);
  return 'arn::kms:::key/'.length + literal(partition, 'aws-iso-b'.length + 2) + literal(region, 'ap-southeast-5'.length + 2) + literal(account, 12) + 36;
}
