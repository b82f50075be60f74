/**
 * One encrypted EventBridge connection written by hand with aws-cdk-lib: a key tagged `EventBridgeApiDestinations=true`
 * whose policy lets Secrets Manager (on EventBridge's behalf) use it only for this connection's secret and only while
 * tagged, the connection with `KmsKeyIdentifier` set on its L1 child `Connection` (the L2 has no key prop), and an
 * API destination.
 */
import { SecretValue, Stack, Tags } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { handKey } from './common';

/** With `sharedKey`, the connection uses that key, which gets this connection's statements (Sids end in `id`). */
export function handConnection(stack: Stack, id: string, sharedKey?: kms.Key): void {
  const scope = new Construct(stack, id);
  const { account, region, partition } = stack;
  // A fixed name: the key policy names the connection's secret, which through Fn::GetAtt would be a cycle.
  const connectionName = `bench-${id}`;
  const secretArn = `arn:${partition}:secretsmanager:${region}:${account}:secret:events!connection/${connectionName}/*`;
  const tagged = { 'aws:ResourceTag/EventBridgeApiDestinations': 'true' };
  const viaSecretsManager = { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com`, 'kms:CallerAccount': account };

  const key = sharedKey ?? handKey(scope, `Credentials of EventBridge connection ${connectionName}`);
  const sid = (name: string) => (sharedKey ? `${name}${id}` : name);
  Tags.of(key).add('EventBridgeApiDestinations', 'true');
  const root = new iam.AccountRootPrincipal();
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: sid('ConnectionDescribe'),
    principals: [root],
    actions: ['kms:DescribeKey'],
    resources: ['*'],
    conditions: { StringEquals: { ...viaSecretsManager, ...tagged } },
  }));
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: sid('ConnectionSecret'),
    principals: [root],
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    resources: ['*'],
    conditions: { StringEquals: { ...viaSecretsManager, ...tagged }, StringLike: { 'kms:EncryptionContext:SecretARN': secretArn } },
  }));

  const connection = new events.Connection(scope, 'Connection', {
    connectionName,
    authorization: events.Authorization.apiKey('x-api-key', SecretValue.secretsManager('crm/api-key')),
    description: 'CRM API, credentials encrypted with a customer managed key',
  });
  (connection.node.findChild('Connection') as events.CfnConnection).kmsKeyIdentifier = key.keyArn;
  new events.ApiDestination(scope, 'Orders', { connection, endpoint: 'https://api.example.com/orders', rateLimitPerSecond: 10 });
}
