/**
 * EventBridge API-destination connections whose secret (in Secrets Manager) is encrypted with a customer managed key.
 * EventBridge's service-linked role creates, reads and updates the secret; Secrets Manager uses the key on its behalf.
 */
import { awsManagedPolicy, externalRole } from '../evaluator';
import { delegatesToIam, keyByArn, pathsFor, via } from './common';
import { DOCS } from './docs';
import { AccessPath, Catalog, subjectOf } from './types';

export const connectionCatalog: Catalog = (world, principals) => {
  const out: AccessPath[] = [];
  for (const connection of world.ofType('AWS::Events::Connection')) {
    const props = world.properties(connection);
    const key = keyByArn(world, props.KmsKeyIdentifier);
    if (!key) continue;
    const path = pathsFor(subjectOf(connection));
    const keyArn = world.attribute(key, 'Arn');
    const secretArn = world.attribute(connection, 'SecretArn');
    const otherSecretArn = secretArn.replace(/events!connection\/[^/]+\//, 'events!connection/another-connection/');
    const { partition, account } = connection;
    const serviceLinkedRole = externalRole('EventBridge\'s API-destinations service-linked role',
      `arn:${partition}:iam::${account}:role/aws-service-role/apidestinations.events.amazonaws.com/AWSServiceRoleForAmazonEventBridgeApiDestinations`,
      [awsManagedPolicy(`arn:${partition}:iam::aws:policy/aws-service-role/AmazonEventBridgeApiDestinationsServiceRolePolicy`)]);
    const viaSecretsManager = via(world, connection, 'secretsmanager');
    const secretContext = { 'kms:ViaService': viaSecretsManager, 'kms:EncryptionContext:SecretARN': secretArn, 'kms:EncryptionContext:SecretVersionId': 'a1b2c3d4-version' };

    out.push(
      // Who calls DescribeKey is not documented: the deploying role (directly or through Secrets Manager) is evaluated.
      path('deploy', 'the deploying role has the key described when it creates the connection', principals.deployer, 'kms:DescribeKey', keyArn, 'Allowed', DOCS.connectionKeyPolicy),
      path('deploy', 'the service-linked role creates the connection\'s secret', serviceLinkedRole, 'secretsmanager:CreateSecret', secretArn, 'Allowed', DOCS.connectionServiceLinkedRole),
      path('deploy', 'the service-linked role has Secrets Manager generate a data key for the secret', serviceLinkedRole, 'kms:GenerateDataKey', keyArn, 'Allowed', DOCS.connectionServiceLinkedRole, secretContext),
      path('runtime', 'the service-linked role reads the secret when an API destination is invoked', serviceLinkedRole, 'secretsmanager:GetSecretValue', secretArn, 'Allowed', DOCS.connectionServiceLinkedRole),
      path('runtime', 'the service-linked role has Secrets Manager decrypt the secret', serviceLinkedRole, 'kms:Decrypt', keyArn, 'Allowed', DOCS.connectionServiceLinkedRole, secretContext),
      path('negative', 'nobody decrypts the secret other than through Secrets Manager (a role of another account)', principals.outsider, 'kms:Decrypt', keyArn, 'Denied', DOCS.connectionEncryptionContext, secretContext),
    );
    if (!world.tags(key).EventBridgeApiDestinations) {
      out.push(path('deploy', 'the key carries the tag EventBridge requires', serviceLinkedRole, 'kms:GenerateDataKey', keyArn, 'Allowed', DOCS.connectionKeyTag, secretContext));
    }
    if (!delegatesToIam(world, key)) {
      out.push(
        path('negative', 'strict mode: an administrator of the account cannot have Secrets Manager decrypt the connection secret', principals.otherAdmin, 'kms:Decrypt', keyArn, 'Denied', DOCS.connectionEncryptionContext, secretContext),
        path('negative', 'strict mode: the service-linked role cannot decrypt another connection\'s secret with this key', serviceLinkedRole, 'kms:Decrypt', keyArn, 'Denied', DOCS.connectionEncryptionContext,
          { ...secretContext, 'kms:EncryptionContext:SecretARN': otherSecretArn }),
      );
    }
  }
  return out;
};
