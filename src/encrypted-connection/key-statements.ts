import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { stackEnvironment } from '../internal/arns';
import { EncryptionKey } from '../key/encryption-key';
import { KeyPolicyStatements } from '../key/statements';
import { connectionSecretArnPattern } from '../services/events/arns';

/**
 * The statements a connection's key needs: Secrets Manager may use it for this connection's secret only (in strict
 * mode, only for EventBridge's API-destinations service-linked role), and a key of another account lets that account
 * use it too.
 */
export function connectionKeyStatements(scope: IConstruct, key: kms.IKey, connectionName: string): iam.PolicyStatement[] {
  const environment = stackEnvironment(scope);
  const strict = key instanceof EncryptionKey && key.strictMode;
  const statements = KeyPolicyStatements.connection({
    ...environment,
    connectionName,
    principalArns: strict ? [KeyPolicyStatements.apiDestinationsServiceLinkedRoleArn(environment)] : undefined,
  });
  if (isOtherAccount(scope, key)) statements.push(KeyPolicyStatements.connectionCrossAccount(environment));
  return statements;
}

/** The connection's secret ARN pattern (`events!connection/<name>/*`): the value of the `SecretARN` context. */
export function secretArnPattern(scope: IConstruct, connectionName: string): string {
  return connectionSecretArnPattern(stackEnvironment(scope), connectionName);
}

/** Whether the key is known to belong to another account than the stack. */
function isOtherAccount(scope: IConstruct, key: kms.IKey): boolean {
  const keyAccount = key.env.account;
  const stackAccount = Stack.of(scope).account;
  return !Token.isUnresolved(keyAccount) && !Token.isUnresolved(stackAccount) && keyAccount !== stackAccount;
}
