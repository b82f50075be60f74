import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** One finding of a cfn-guard rule: which rule, in which template, on which resource. */
export interface GuardFinding {
  readonly rule: string;
  readonly templatePath: string;
  readonly logicalId: string;
}

/** The cfn-guard 3 binary that ships with @cdklabs/cdk-validator-cfnguard, for this platform. */
export function cfnGuardBinary(): string {
  const root = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
  const platform = process.platform === 'darwin' ? 'macos' : 'ubuntu';
  const arch = process.arch === 'arm64' ? 'aarch64' : 'x86_64';
  return path.join(root, 'bin', platform, arch, 'cfn-guard');
}

/**
 * Runs one rule file over many templates in ONE cfn-guard process (a spawn costs far more than a template) and
 * returns every finding, one per rule, template and resource. A finding's resource is the one its failed check
 * reached (`/Resources/<logical id>/...`); a failed check that reached no resource is an error of the rule file.
 */
export function runGuard(rulesFile: string, templatePaths: string[]): GuardFinding[] {
  const args = ['validate', '--rules', rulesFile, ...templatePaths.flatMap(t => ['--data', t]), '--output-format', 'json', '--structured', '--show-summary', 'none'];
  const run = spawnSync(cfnGuardBinary(), args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  // 0: all compliant; 19: some not compliant (cfn-guard's exit codes). Anything else is an error of the run.
  if (run.status !== 0 && run.status !== 19) throw new Error(`cfn-guard exited with ${run.status}: ${run.stderr}${run.stdout.slice(0, 2000)}`);
  const results = JSON.parse(run.stdout || '[]') as { name: string; not_compliant: { Rule: { name: string; checks: unknown[] } }[] }[];
  const found = new Map<string, GuardFinding>();
  for (const result of results) {
    for (const { Rule: rule } of result.not_compliant) {
      const ids = resourcesReached(rule.checks);
      if (ids.length === 0) throw new Error(`cfn-guard rule ${rule.name} failed on ${result.name} without reaching a resource: ${JSON.stringify(rule.checks).slice(0, 1000)}`);
      for (const logicalId of ids) found.set(`${rule.name} ${result.name} ${logicalId}`, { rule: rule.name, templatePath: result.name, logicalId });
    }
  }
  return [...found.values()];
}

/** The logical ids of the resources a rule's failed checks reached (the `traversed_to`, `from` or `value` path of each). */
function resourcesReached(checks: unknown): string[] {
  const ids = new Set<string>();
  const walk = (node: unknown, key: string) => {
    if (Array.isArray(node)) {
      node.forEach(n => walk(n, key));
    } else if (node && typeof node === 'object') {
      const object = node as Record<string, unknown>;
      if (['traversed_to', 'from', 'value'].includes(key) && typeof object.path === 'string') {
        const match = /^\/Resources\/([^/]+)/.exec(object.path);
        if (match) ids.add(match[1]);
      }
      for (const [k, v] of Object.entries(object)) if (k !== 'to') walk(v, k);
    }
  };
  walk(checks, '');
  return [...ids];
}
