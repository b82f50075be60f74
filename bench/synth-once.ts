/**
 * One measured synthesis, run in its own process so that peak memory and wall time belong to this run alone.
 *
 *   node -r ts-node/register/transpile-only bench/synth-once.ts <scenario> <ours|hand> <n>
 *   node -r ts-node/register/transpile-only bench/synth-once.ts <scenario> ours <n> --check
 *   node -r ts-node/register/transpile-only bench/synth-once.ts platform <variant>
 *
 * Prints one JSON line: { ms, peakRssBytes, templateBytes, resources, functions, trails } for a scenario;
 * with --check, { ok, error? }: whether the one-stack scenario synthesizes with every quota guard on (aws-cdk-lib's 500
 * resources, the library's guards), and the error that stops it; for the platform app, the totals and, per stack,
 * { name, resources, templateBytes, templateFileBytes, keys }.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, STACK_RESOURCE_LIMIT_CONTEXT } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { PLATFORM_VARIANTS, PlatformVariant, platformApp, StackSample } from './platform';
import { SCENARIOS } from './scenarios';
import { STACK_QUOTA_GUARDS_CONTEXT } from '../src/quotas/quota-guards';

const ENV = { account: '111122223333', region: 'eu-west-1' };


/** Logical-id prefixes of the library's stack-level keys (children of the stack, whatever the constructs). */
const STACK_LEVEL_KEYS = /^(KeyAuditTrailKey|KeyTamperingAlertKey|EncryptedConstructsAlarmTopicKey|EncryptionVerifierKey)[0-9A-F]{8}$/;

function stackSample(assembly: CloudAssembly, name: string): StackSample {
  const artifact = assembly.getStackByName(name);
  const resources = Object.entries<any>(artifact.template.Resources ?? {});
  const keys = resources.filter(([, r]) => r.Type === 'AWS::KMS::Key').map(([id]) => id);
  return {
    name,
    resources: resources.length,
    templateBytes: Buffer.byteLength(JSON.stringify(artifact.template)),
    templateFileBytes: fs.statSync(artifact.templateFullPath).size,
    keys: keys.length,
    stackLevelKeys: keys.filter(id => STACK_LEVEL_KEYS.test(id)).length,
  };
}

function main(): void {
  const [name, variant, nText, flag] = process.argv.slice(2);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  try {
    if (name === 'platform') {
      if (!PLATFORM_VARIANTS.includes(variant as PlatformVariant)) throw new Error(`usage: synth-once platform <${PLATFORM_VARIANTS.join('|')}>`);
      const start = process.hrtime.bigint();
      // Every guard on: the platform app is meant to deploy.
      const app = new App({ outdir });
      const stacks = platformApp(app, variant as PlatformVariant);
      const assembly = app.synth();
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const samples = stacks.map(s => stackSample(assembly, s.stackName));
      const all = stacks.flatMap(s => Object.values<any>(assembly.getStackByName(s.stackName).template.Resources ?? {}));
      process.stdout.write(`${JSON.stringify({
        ms,
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
        templateBytes: samples.reduce((sum, s) => sum + s.templateBytes, 0),
        resources: all.length,
        functions: all.filter(isVerifierFunction).length,
        trails: all.filter(r => r.Type === 'AWS::CloudTrail::Trail').length,
        keys: samples.reduce((sum, s) => sum + s.keys, 0),
        stacks: samples,
      })}\n`);
      return;
    }

    const scenario = SCENARIOS.find(s => s.name === name);
    if (!scenario || (variant !== 'ours' && variant !== 'hand')) throw new Error(`usage: synth-once <${SCENARIOS.map(s => s.name).join('|')}> <ours|hand> <n> [--check]`);
    const n = Number(nText);
    if (flag === '--check') {
      // The stack as a user would deploy it: aws-cdk-lib's resource limit and the library's guards on.
      const app = new App({ outdir });
      const stack = new Stack(app, 'Bench', { env: ENV });
      (variant === 'ours' ? scenario.ours : scenario.hand)(stack, n);
      try {
        app.synth();
        process.stdout.write(`${JSON.stringify({ ok: true })}\n`);
      } catch (e) {
        process.stdout.write(`${JSON.stringify({ ok: false, error: String((e as Error).message) })}\n`);
      }
      return;
    }

    const start = process.hrtime.bigint();
    // CDK refuses stacks over 500 resources; both variants exceed it at N = 100, so the check is lifted for both, and
    // so are the library's per-stack quota guards (template size, dynamic references, topic and queue policies).
    const app = new App({ outdir, context: { [STACK_RESOURCE_LIMIT_CONTEXT]: 0, [STACK_QUOTA_GUARDS_CONTEXT]: false } });
    const stack = new Stack(app, 'Bench', { env: ENV });
    (variant === 'ours' ? scenario.ours : scenario.hand)(stack, n);
    // At N = 100 the library's quota guards (managed policies per role, ...) correctly refuse the stack, which no account
    // could deploy either: the benchmark measures synthesis cost, so construct validations are skipped (both variants).
    const assembly = app.synth({ skipValidation: true });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;

    const template = assembly.getStackByName('Bench').template;
    const resources = Object.values<any>(template.Resources ?? {});
    const result = {
      ms,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      templateBytes: Buffer.byteLength(JSON.stringify(template)),
      templateFileBytes: fs.statSync(assembly.getStackByName('Bench').templateFullPath).size,
      resources: resources.length,
      // the verifier function, not the scenario's own target functions
      functions: resources.filter(isVerifierFunction).length,
      trails: resources.filter(r => r.Type === 'AWS::CloudTrail::Trail').length,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The verifier function, not a scenario's own target functions. */
function isVerifierFunction(r: any): boolean {
  return r.Type === 'AWS::Lambda::Function' && r.Properties?.Handler === 'index.handler' && String(r.Properties?.Description ?? '').startsWith('Verifies at deploy time');
}

main();
