/**
 * No key policy the library writes lets everyone (`Principal: *`) use a key: every Allow names an account (whose IAM
 * policies must agree), a role by `aws:PrincipalArn`, or a service under its conditions. The one `*` a key policy
 * holds is the Deny that refuses grants not made for AWS resources. Checked on the RDS instance's default, strict,
 * fullest and unaudited apps (the master secret's statements once allowed `*`; the unaudited one has its own alert key)
 * and on the example app, one synthesis each.
 */
import { CONFIGURATIONS } from '../access/configurations';

const CHECKED = CONFIGURATIONS.filter(c => c.subject === 'EncryptedRdsInstance' || c.subject === 'example app');

/** The Allow statements of every key policy of the app that name everyone. */
function wildcardAllows(app: ReturnType<(typeof CONFIGURATIONS)[number]['app']>): string[] {
  return app.synth().stacks.flatMap(stack => Object.entries<any>(stack.template.Resources ?? {})
    .filter(([, r]) => r.Type === 'AWS::KMS::Key')
    .flatMap(([id, r]) => (r.Properties.KeyPolicy.Statement as any[])
      .filter(s => s.Effect === 'Allow' && (s.Principal === '*' || [s.Principal?.AWS].flat().includes('*')))
      .map(s => `${stack.stackName}/${id} ${s.Sid ?? JSON.stringify(s.Action)}`)));
}

test('the configurations checked are the RDS default, strict, fullest and unaudited apps and the example app', () => {
  expect(CHECKED.map(c => `${c.subject} (${c.variant})`)).toEqual([
    'EncryptedRdsInstance (default)', 'EncryptedRdsInstance (strict)', 'EncryptedRdsInstance (fullest)',
    'EncryptedRdsInstance (no audit trail (own alert topic), 30-day master secret rotation)', 'example app (examples/)',
  ]);
});

test.each(CHECKED.map(c => [`${c.subject} (${c.variant})`, c] as const))('%s: no key policy allows Principal *', (_name, configuration) => {
  expect(wildcardAllows(configuration.app())).toEqual([]);
});
