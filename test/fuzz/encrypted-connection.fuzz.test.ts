import { CfnParameter, SecretValue, Stack, Tags } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { EncryptionKey } from '../../src';
import { EncryptedConnection } from '../../src/encrypted-connection';
import { acknowledgeEach } from '../../src/internal/acknowledgements';
import { TEST_ENV } from '../support/fixtures';
import { fuzzProps, fuzzRuns } from '../support/fuzz';
import { auditTrailOf, badKeyArbitrary, badKeyOf, keyOptionsArbitrary, keyOptionsOf, mostlyValid, nullPropArbitrary, uniqueName, withNull } from '../support/fuzz-arbitraries';

/** The user's keys, secrets and topics, shared by every case of one stack (a batch holds 25 connections). */
class Fixtures extends Construct {
  public static of(stack: Stack): Fixtures {
    return (stack.node.tryFindChild('Fixtures') as Fixtures | undefined) ?? new Fixtures(stack);
  }

  public readonly key: EncryptionKey;
  public readonly strictKey: EncryptionKey;
  public readonly importedKey: kms.IKey;
  public readonly otherAccountKey: kms.IKey;
  /** A Secrets Manager secret of this stack: its value is a dynamic reference joined with the secret's Ref. */
  public readonly secret: secretsmanager.Secret;
  public readonly importedSecret: secretsmanager.ISecret;
  public readonly parameter: CfnParameter;
  public readonly topic: sns.Topic;
  public readonly importedTopic: sns.ITopic;
  public readonly reader: iam.IRole;

  private constructor(stack: Stack) {
    super(stack, 'Fixtures');
    this.key = new EncryptionKey(this, 'Key', { protects: 'fuzzed connections' });
    this.strictKey = new EncryptionKey(this, 'StrictKey', { protects: 'fuzzed connections', strictMode: true, administrators: [new iam.AccountRootPrincipal()] });
    this.importedKey = kms.Key.fromKeyArn(this, 'ImportedKey', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    this.otherAccountKey = kms.Key.fromKeyArn(this, 'OtherAccountKey', 'arn:aws:kms:eu-west-1:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    this.secret = new secretsmanager.Secret(this, 'Secret', { encryptionKey: this.key });
    const reason = 'A fuzz-test secret standing for the user\'s own; its rotation is not the construct\'s.';
    acknowledgeEach(this.secret, Object.fromEntries([
      'AwsSolutions-SMG4', 'HIPAA.Security-SecretsManagerRotationEnabled', 'NIST.800.53.R5-SecretsManagerRotationEnabled',
      'PCI.DSS.321-SecretsManagerRotationEnabled', 'secretsmanager_rotation_enabled_check',
    ].map(id => [id, reason])));
    this.importedSecret = secretsmanager.Secret.fromSecretNameV2(this, 'ImportedSecret', 'crm/imported');
    this.parameter = new CfnParameter(this, 'Password', { noEcho: true });
    this.topic = new sns.Topic(this, 'Topic', { masterKey: this.key, enforceSSL: true });
    this.importedTopic = sns.Topic.fromTopicArn(this, 'ImportedTopic', 'arn:aws:sns:eu-west-1:111122223333:ops');
    this.reader = iam.Role.fromRoleArn(this, 'Reader', 'arn:aws:iam::111122223333:role/crm-workflow', { mutable: false });
  }
}

/**
 * Mostly `valid`, sometimes `invalid`: by default one value in sixteen is bad, so that about a quarter of all cases are
 * accepted (the nag/guard check of accepted cases is the slow part). Props checked only once the others passed (the
 * key's, the API destinations') are bad more often.
 */
const mostly = mostlyValid(16);

/** A string of 1 to `max` characters, or an empty or too long one. */
const plainArb = (max: number, invalidOneIn?: number) => mostly(
  fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.constant('p'.repeat(max))),
  fc.oneof(fc.constant(''), fc.integer({ min: max + 1, max: max + 100 }).map(n => 'p'.repeat(n))),
  invalidOneIn,
);

/** How a secret is given: mostly a Secrets Manager dynamic reference, sometimes plain text, SSM, a parameter, ... */
const secretArb = mostly(
  fc.oneof(
    fc.record({ kind: fc.constant('secretsManager' as const), id: fc.stringMatching(/^[A-Za-z0-9/_+=.@-]{1,30}$/), jsonField: fc.option(fc.stringMatching(/^[A-Za-z0-9_]{1,10}$/), { nil: undefined }) }),
    fc.record({ kind: fc.constantFrom('stackSecret' as const, 'importedSecret' as const) }),
  ),
  fc.oneof(
    fc.record({ kind: fc.constant('plainText' as const), text: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('Bearer {{resolve:secretsmanager:crm/token}}', '{{resolve:ssm-secure:/crm/x}}')) }),
    fc.record({ kind: fc.constantFrom('ssmSecure' as const, 'parameter' as const, 'jsString' as const, 'missing' as const) }),
  ),
);
type SecretSpec = typeof secretArb extends fc.Arbitrary<infer S> ? S : never;

function secretValue(f: Fixtures, s: SecretSpec): SecretValue {
  switch (s.kind) {
    case 'secretsManager': return SecretValue.secretsManager(s.id, { jsonField: s.jsonField });
    case 'stackSecret': return f.secret.secretValue;
    case 'importedSecret': return f.importedSecret.secretValue;
    case 'plainText': return SecretValue.unsafePlainText(s.text);
    case 'ssmSecure': return SecretValue.ssmSecure('/crm/password');
    case 'parameter': return SecretValue.cfnParameter(f.parameter);
    // what a JavaScript caller can pass where a SecretValue belongs
    case 'jsString': return 'pl41n-t3xt' as unknown as SecretValue;
    default: return undefined as unknown as SecretValue;
  }
}

/**
 * Parameter names: mostly valid HTTP header names, sometimes empty, too long or with characters headers forbid (valid
 * for query-string and body parameters).
 */
const parameterNameArb = mostly(
  fc.oneof(fc.stringMatching(/^[A-Za-z0-9_]{1,20}$/), fc.constantFrom('x-token', 'X-Api-Version')),
  fc.oneof(fc.constantFrom('', 'x token', 'x:y', 'é', 'a\n  - b'), fc.constant('h'.repeat(513))),
);
const parameterArb = fc.oneof(
  fc.record({ secret: fc.constant(false), value: plainArb(512) }),
  fc.record({ secret: fc.constant(true), value: secretArb }),
);

/**
 * The connection names a parameter's value as `<prop>.<name>` (e.g. `headerParameters.x-token`, as its unit tests
 * pin), which the harness reads as a prop only when the name is made of letters, digits and `_`: parameters with
 * other names get a valid value, so that a bad value is always reported under a name the harness can read.
 */
const parametersArb = fc.option(fc.dictionary(parameterNameArb, parameterArb, { maxKeys: 3 }).map(entries => Object.fromEntries(
  Object.entries(entries).map(([name, value]) => [name, /^[A-Za-z0-9_]*$/.test(name) ? value : { secret: false, value: 'v' }]),
)), { nil: undefined });
type ParametersSpec = typeof parametersArb extends fc.Arbitrary<infer P> ? P : never;

function parameters(f: Fixtures, p: ParametersSpec): { [name: string]: events.HttpParameter } | undefined {
  if (p === undefined) return undefined;
  return Object.fromEntries(Object.entries(p).map(([name, v]) => [name, v.secret
    ? events.HttpParameter.fromSecret(secretValue(f, v.value as SecretSpec))
    : events.HttpParameter.fromString(v.value as string)]));
}

const authorizationArb = fc.oneof(
  fc.record({ kind: fc.constant('apiKey' as const), name: plainArb(512), value: secretArb }),
  fc.record({ kind: fc.constant('basic' as const), username: mostly(fc.stringMatching(/^[A-Za-z0-9_.@-]{1,30}$/), fc.oneof(fc.constantFrom('crm:user', ':', ''), fc.string())), password: secretArb }),
  fc.record({
    kind: fc.constant('oauth' as const),
    endpoint: mostly(
      fc.webUrl({ validSchemes: ['https'] }),
      fc.oneof(fc.webUrl({ validSchemes: ['http'] }), fc.constantFrom('https://', 'ftp://x', '', 'https://auth example.com'), fc.constant(`https://a.example.com/${'p'.repeat(2040)}`)),
    ),
    method: fc.constantFrom(events.HttpMethod.POST, events.HttpMethod.GET, events.HttpMethod.PUT),
    clientId: plainArb(512),
    clientSecret: secretArb,
    headerParameters: parametersArb,
    queryStringParameters: parametersArb,
    bodyParameters: parametersArb,
  }),
);
type AuthorizationSpec = typeof authorizationArb extends fc.Arbitrary<infer A> ? A : never;

function authorization(f: Fixtures, a: AuthorizationSpec): events.Authorization {
  switch (a.kind) {
    case 'apiKey': return events.Authorization.apiKey(a.name, secretValue(f, a.value));
    case 'basic': return events.Authorization.basic(a.username, secretValue(f, a.password));
    default: return events.Authorization.oauth({
      authorizationEndpoint: a.endpoint,
      httpMethod: a.method,
      clientId: a.clientId,
      clientSecret: secretValue(f, a.clientSecret),
      headerParameters: parameters(f, a.headerParameters),
      queryStringParameters: parameters(f, a.queryStringParameters),
      bodyParameters: parameters(f, a.bodyParameters),
    });
  }
}

/** Names: mostly of the allowed characters, sometimes too long, empty or with characters EventBridge rejects. */
const nameArb = mostly(
  fc.oneof(fc.stringMatching(/^[.\-_A-Za-z0-9]{1,64}$/), fc.constant('n'.repeat(64))),
  fc.oneof(fc.constantFrom('', 'crm api', 'crm/orders', 'x!', 'é', 'n'.repeat(65)), fc.string({ maxLength: 70 })),
);

const descriptionArb = fc.option(mostly(
  fc.oneof(fc.string({ maxLength: 40 }), fc.constant('d'.repeat(512))),
  fc.integer({ min: 513, max: 2000 }).map(n => 'd'.repeat(n)),
), { nil: undefined });

/** A whole number in range, or one that is negative, zero, fractional, huge or not a number at all. */
const rateArb = mostly(
  fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 301, max: 10_000 })),
  fc.oneof(fc.integer({ min: -1000, max: 0 }), fc.double({ min: 0, max: 300, noNaN: true }).filter(n => !Number.isInteger(n)),
    fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY)),
  10,
);

const destinationArb = fc.record({
  endpoint: mostly(
    fc.webUrl({ validSchemes: ['https'], withQueryParameters: true }),
    fc.oneof(fc.webUrl({ validSchemes: ['http'] }), fc.constantFrom('https://', '', 'api.example.com', 'https://api example.com'), fc.constant(`https://api.example.com/${'p'.repeat(2030)}`),
      // characters the API's endpoint pattern rejects: placeholders, non-ASCII hosts, fragments
      fc.constantFrom('https://api.example.com/{orderId}', 'https://bücher.example/orders', 'https://api.example.com/orders#new', 'https://[::1]/orders')),
    10,
  ),
  rateLimitPerSecond: rateArb,
  httpMethod: fc.option(fc.constantFrom(...Object.values(events.HttpMethod)), { nil: undefined }),
  description: descriptionArb,
  apiDestinationName: fc.option(nameArb, { nil: undefined }),
}, { requiredKeys: ['endpoint', 'rateLimitPerSecond'] });

const keyOptionsArb = keyOptionsArbitrary(6);
const keyOptions = keyOptionsOf;

/** A key of another stack of the same app, which the connection does not edit (it checks its tag once aspects ran). */
function otherStackKey(f: Fixtures, tagged: boolean): kms.IKey {
  const app = f.node.root as Construct;
  const keys = (app.node.tryFindChild('Keys') as Stack | undefined) ?? new Stack(app, 'Keys', { env: TEST_ENV });
  const id = tagged ? 'Tagged' : 'Untagged';
  const existing = keys.node.tryFindChild(id) as EncryptionKey | undefined;
  if (existing) return existing;
  const key = new EncryptionKey(keys, id, { protects: 'connections of another stack' });
  if (tagged) Tags.of(key).add('EventBridgeApiDestinations', 'true');
  return key;
}

function encryptionKey(f: Fixtures, choice: string | undefined): kms.IKey | undefined {
  switch (choice) {
    case 'fixtures': return f.key;
    case 'strict': return f.strictKey;
    case 'imported': return f.importedKey;
    case 'otherAccount': return f.otherAccountKey;
    case 'otherStackTagged': return otherStackKey(f, true);
    case 'otherStackUntagged': return otherStackKey(f, false);
    default: return undefined;
  }
}

const auditTrail = auditTrailOf;

const propsArb = fc.record({
  authorization: authorizationArb,
  connectionName: fc.option(nameArb, { nil: undefined }),
  description: descriptionArb,
  headerParameters: parametersArb,
  queryStringParameters: parametersArb,
  bodyParameters: parametersArb,
  alertTopic: fc.constantFrom(undefined, 'encrypted', 'imported'),
  encryptionKey: fc.constantFrom(undefined, undefined, 'fixtures', 'strict', 'imported', 'otherAccount', 'otherStackTagged', 'otherStackUntagged'),
  keyOptions: keyOptionsArb,
  auditTrail: fc.constantFrom(undefined, 'stackShared', 'none', 'existing'),
  verifyEncryption: fc.option(fc.boolean(), { nil: undefined }),
  verifyKeyRotation: fc.option(fc.boolean(), { nil: undefined }),
  destinations: fc.array(destinationArb, { maxLength: 2 }),
  grantReader: fc.boolean(),
  // keys that cannot work, and props a JavaScript caller sets to null
  badKey: fc.oneof({ arbitrary: fc.constant(undefined), weight: 14 }, { arbitrary: badKeyArbitrary, weight: 1 }),
  nulled: nullPropArbitrary('description', 'headerParameters', 'alertTopic', 'keyOptions', 'authorization'),
});
type Props = typeof propsArb extends fc.Arbitrary<infer P> ? P : never;

function build(stack: Stack, id: string, p: Props): void {
  const f = Fixtures.of(stack);
  const connection = new EncryptedConnection(stack, id, withNull({
    authorization: authorization(f, p.authorization),
    connectionName: uniqueName(p.connectionName, id, 64),
    description: p.description,
    headerParameters: parameters(f, p.headerParameters),
    queryStringParameters: parameters(f, p.queryStringParameters),
    bodyParameters: parameters(f, p.bodyParameters),
    alertTopic: p.alertTopic === 'encrypted' ? f.topic : p.alertTopic === 'imported' ? f.importedTopic : undefined,
    encryptionKey: p.badKey ? badKeyOf(f, id, p.badKey) : encryptionKey(f, p.encryptionKey),
    keyOptions: keyOptions(p.keyOptions, id),
    auditTrail: auditTrail(p.auditTrail),
    verifyEncryption: p.verifyEncryption,
    verifyKeyRotation: p.verifyKeyRotation,
  }, p.nulled));
  p.destinations.forEach((d, i) => connection.addApiDestination(`Destination${i}`, { ...d, apiDestinationName: uniqueName(d.apiDestinationName, id, 64, `d${i}`) }));
  if (p.grantReader) connection.grantRetrieveConnectionCredentials(f.reader);
}

test('EncryptedConnection: random props end in a clean template or a validation error naming the prop', () => {
  // 100 cases in the test command already name every prop below; `npx projen fuzz` runs 2,000
  const outcome = fuzzProps(propsArb, build, fuzzRuns(100));
  expect(outcome.rejected).toBeGreaterThan(0);
  expect(outcome.accepted).toBeGreaterThan(0);
  expect(outcome.propsNamed).toEqual(expect.arrayContaining([
    'connectionName', 'description', 'authorization', 'authorization.apiKeyName', 'authorization.apiKeyValue', 'authorization.username',
    'authorization.password', 'authorization.authorizationEndpoint', 'authorization.clientId', 'authorization.clientSecret',
    'headerParameters', 'endpoint', 'rateLimitPerSecond', 'apiDestinationName', 'alias', 'rotationPeriod', 'pendingWindow', 'encryptionKey',
  ]));
});
