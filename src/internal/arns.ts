import { createHash } from 'crypto';
import { ArnComponents, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** `Stack.formatArn` with the partition made literal when the stack's region is known. */
export function formatArn(scope: IConstruct, components: ArnComponents): string {
  return Stack.of(scope).formatArn({ partition: stackEnvironment(scope).partition, ...components });
}

/** A short, stable hex hash of a string. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8).toUpperCase();
}

/** The stack's account, region and partition, for the key-policy statement builders (literals when known). */
export function stackEnvironment(scope: IConstruct): { account: string; region: string; partition: string } {
  const stack = Stack.of(scope);
  const partition = Token.isUnresolved(stack.region) ? stack.partition : partitionOf(stack.region) ?? stack.partition;
  return { account: stack.account, region: stack.region, partition };
}

/**
 * The partition of a region, from its name. (aws-cdk-lib's RegionInfo knows it too, but loading its tables costs
 * ~100 ms of synthesis on first use.) Unknown prefixes return undefined: the caller keeps the pseudo parameter.
 */
function partitionOf(region: string): string | undefined {
  if (/^cn-/.test(region)) return 'aws-cn';
  if (/^us-gov-/.test(region)) return 'aws-us-gov';
  if (/^us-isob-/.test(region)) return 'aws-iso-b';
  if (/^us-iso-/.test(region)) return 'aws-iso';
  if (/^eu-isoe-/.test(region)) return 'aws-iso-e';
  if (/^us-isof-/.test(region)) return 'aws-iso-f';
  if (/^(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d+$/.test(region)) return 'aws';
  return undefined;
}
