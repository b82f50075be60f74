/**
 * Where a key's users live, as every key-policy statement builder takes it: the account, region and partition that
 * the statements' principals, `kms:ViaService` endpoints and ARNs are built from.
 */
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { accountRootArn } from '../iam/arns';

/**
 * Where the key's users live. Constructs pass their stack's values (literals when the stack has an explicit
 * environment); the defaults are the deploy-time pseudo parameters.
 */
export interface KeyStatementEnvironment {
  /**
   * Account of the resources and principals.
   *
   * @default Aws.ACCOUNT_ID
   */
  readonly account?: string;
  /**
   * Region of the resources.
   *
   * @default Aws.REGION
   */
  readonly region?: string;
  /**
   * Partition of the ARNs.
   *
   * @default Aws.PARTITION
   */
  readonly partition?: string;
}

/** The environment with the pseudo parameters filled in where a value is not given. */
export function keyEnvironment(props: KeyStatementEnvironment): Required<KeyStatementEnvironment> {
  return { account: props.account ?? Aws.ACCOUNT_ID, region: props.region ?? Aws.REGION, partition: props.partition ?? Aws.PARTITION };
}

/** The account root as an ARN principal built from the environment (a literal when the stack's account is known). */
export function accountRoot(props: KeyStatementEnvironment): iam.IPrincipal {
  const e = keyEnvironment(props);
  return new iam.ArnPrincipal(accountRootArn(e.partition, e.account));
}

/**
 * The `kms:ViaService` value of a service's calls to KMS on a principal's behalf, `<service>.<region>.amazonaws.com`.
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
 */
export function viaService(service: string, region: string): string {
  return `${service}.${region}.amazonaws.com`;
}
