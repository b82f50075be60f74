/**
 * EventBridge API-destination connections whose secret (in Secrets Manager) is encrypted with a customer managed key.
 * EventBridge's service-linked role creates, reads and updates the secret; Secrets Manager uses the key on its behalf.
 */
import { awsManagedPolicy, externalRole, roleCaller } from '../evaluator';
import { delegatesToIam, keyByArn, pathsFor, roleByArn, via } from './common';
import { DOCS } from './docs';
import { AccessPath, Catalog, Principals, subjectOf } from './types';
import { DeployedWorld } from '../world';

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
  out.push(...apiDestinationTargetPaths(world, principals));
  return out;
};

/**
 * Rules that target an API destination through a role (`EncryptedConnection.ruleTarget`, or any role of the
 * templates): EventBridge assumes the role for the rule, and the role invokes that destination and no other.
 */
function apiDestinationTargetPaths(world: DeployedWorld, principals: Principals): AccessPath[] {
  const out: AccessPath[] = [];
  const eventBridge = principals.service('events.amazonaws.com');
  for (const destination of world.ofType('AWS::Events::ApiDestination')) {
    const arn = world.attribute(destination, 'Arn');
    const iamArn = world.attribute(destination, 'ArnForPolicy');
    const otherArn = iamArn.replace(/api-destination\/.*$/, 'api-destination/another-destination');
    for (const rule of world.ofType('AWS::Events::Rule')) {
      for (const target of world.properties(rule).Targets ?? []) {
        const role = target.Arn === arn ? roleByArn(world, target.RoleArn) : undefined;
        if (!role) continue;
        const path = pathsFor(subjectOf(rule));
        const roleArn = world.attribute(role, 'Arn');
        const invoker = roleCaller(world, role, `invoke role of ${destination.logicalId}`);
        const ruleArn = world.attribute(rule, 'Arn');
        const otherAccount = '999988887777';
        out.push(
          path('runtime', `EventBridge assumes the invoke role of ${destination.logicalId} to deliver the rule's events`, eventBridge, 'sts:AssumeRole', roleArn, 'Allowed',
            DOCS.eventBridgeTargetRoleTrust, { 'aws:SourceAccount': rule.account, 'aws:SourceArn': ruleArn }, ['aws:SourceAccount', 'aws:SourceArn']),
          path('runtime', `the invoke role invokes the API destination ${destination.logicalId} (its IAM form, api-destination/<name>)`, invoker, 'events:InvokeApiDestination', iamArn, 'Allowed',
            DOCS.eventBridgeApiDestinationRole),
          path('runtime', `the invoke role invokes the API destination ${destination.logicalId} (the ARN with its /<uuid>, as the target names it)`, invoker, 'events:InvokeApiDestination', arn, 'Allowed',
            DOCS.eventsApiDestinationArnForPolicy),
          path('negative', 'the invoke role cannot invoke another API destination', invoker, 'events:InvokeApiDestination', otherArn, 'Denied', DOCS.eventBridgeApiDestinationRole),
          path('negative', 'EventBridge cannot assume the invoke role for a rule of another account', eventBridge, 'sts:AssumeRole', roleArn, 'Denied', DOCS.eventBridgeTargetRoleTrust,
            { 'aws:SourceAccount': otherAccount, 'aws:SourceArn': ruleArn.replace(rule.account, otherAccount) }),
        );
      }
    }
  }
  return out;
}
