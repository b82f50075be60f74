/**
 * RDS ARN forms, shared by every RDS construct: a DB instance, a DB cluster, a database user for IAM authentication,
 * and the secrets RDS manages in Secrets Manager.
 */
import { ArnFormat } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { formatArn } from '../../internal/arns';
import { secretArn } from '../secretsmanager/arns';

/**
 * ARN of a DB instance from its identifier, `arn:<partition>:rds:<region>:<account>:db:<identifier>`.
 *
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonrds.html#amazonrds-resources-for-iam-policies
 */
export function dbInstanceArn(scope: IConstruct, instanceIdentifier: string): string {
  return formatArn(scope, { service: 'rds', resource: 'db', resourceName: instanceIdentifier, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

/**
 * ARN of a DB cluster from its identifier, `arn:<partition>:rds:<region>:<account>:cluster:<identifier>`.
 *
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonrds.html#amazonrds-resources-for-iam-policies
 */
export function dbClusterArn(scope: IConstruct, clusterIdentifier: string): string {
  return formatArn(scope, { service: 'rds', resource: 'cluster', resourceName: clusterIdentifier, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

/**
 * ARN of a database user for `rds-db:connect`,
 * `arn:<partition>:rds-db:<region>:<account>:dbuser:<DbiResourceId or DbClusterResourceId>/<user>`.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonrdsiamauthentication.html#amazonrdsiamauthentication-resources-for-iam-policies
 */
export function dbUserArn(scope: IConstruct, resourceId: string, dbUser: string): string {
  return formatArn(scope, { service: 'rds-db', resource: 'dbuser', resourceName: `${resourceId}/${dbUser}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

/**
 * ARN pattern of the master-user secrets RDS manages in Secrets Manager, whose names start with `rds!` (`rds!db-…`,
 * `rds!cluster-…`): the value of the `SecretARN` encryption context (matched with `StringLike`).
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html
 */
export function rdsManagedSecretArnPattern(e: { partition: string; region: string; account: string }): string {
  return secretArn(e, 'rds!*');
}
