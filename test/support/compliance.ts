import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, CfnResource, Stack, Stage, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';

/** One unacknowledged finding: which pack and rule, on which construct. */
export interface Finding {
  readonly pack: string;
  readonly rule: string;
  readonly path: string;
  readonly description: string;
}

/** The five cdk-nag packs every construct must pass. */
export function nagPacks(): NagPack[] {
  return [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new NIST80053R5Checks(), new PCIDSS321Checks(), new ServerlessChecks()];
}

/** The Control Tower rule files of @cdklabs/cdk-validator-cfnguard, each with the resource types it mentions. */
let ruleFiles: Array<{ file: string; types: Set<string> }> | undefined;
const validators = new Map<string, CfnGuardValidator>();

/**
 * A validator running exactly the Control Tower rule files that mention a resource type of the templates. cfn-guard
 * spends its time on every rule × resource whether or not the rule's types are present (about 20 s for a 230-resource
 * template with all 237 rules, 2 s with the rules of its types); a rule selects the resources it checks by type
 * (`Resources.*[ Type == ... ]`), so a rule mentioning none of the template's types can find nothing in it.
 */
function guardFor(templates: any[]): CfnGuardValidator {
  if (!ruleFiles) {
    const root = path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'cfn-guard');
    const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
      .flatMap(e => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.guard') ? [path.join(dir, e.name)] : []));
    ruleFiles = walk(root).sort().map(file => ({ file, types: new Set(fs.readFileSync(file, 'utf8').match(/AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g) ?? []) }));
    if (ruleFiles.length === 0 || ruleFiles.some(r => r.types.size === 0)) throw new Error('cfn-guard rule files without resource types: select them all');
  }
  const present = new Set(templates.flatMap(t => Object.values<any>(t.Resources ?? {}).map(r => r.Type)));
  const selected = ruleFiles.filter(r => [...r.types].some(t => present.has(t))).map(r => r.file);
  const key = selected.join('\n');
  let validator = validators.get(key);
  if (!validator) {
    validator = new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: selected });
    validators.set(key, validator);
  }
  return validator;
}

/**
 * Runs the five cdk-nag v3 packs and the cfn-guard AWS Control Tower rules over a stack and returns every finding
 * that is not acknowledged (with `Validations.of(construct).acknowledge`) on the violating construct or an ancestor.
 *
 * Call it before the first `Template.fromStack` of the same app, or on a stack whose app was not synthesized yet;
 * it synthesizes the app itself.
 */
export function unacknowledgedFindings(stack: Stack): Finding[] {
  return [...nagFindings(stack), ...guardFindings(stack)];
}

/** The five cdk-nag packs' findings on a stack that are not acknowledged (cdk-nag reads the acknowledgements itself). */
export function nagFindings(stack: Stack): Finding[] {
  const findings: Finding[] = [];
  for (const pack of nagPacks()) {
    const report = pack.validateScope(stack);
    for (const violation of report.violations) {
      for (const resource of violation.violatingResources) {
        findings.push({ pack: pack.readPackName, rule: violation.ruleName, path: resource.constructPath ?? resource.resourceLogicalId ?? '?', description: violation.description });
      }
    }
  }
  return findings;
}

/** cfn-guard Control Tower findings, filtered by acknowledgements on the violating construct or its ancestors. */
export function guardFindings(stack: Stack): Finding[] {
  return runGuard([stack]).filter(v => !(v.construct && isAcknowledged(v.construct, v.finding.rule))).map(v => v.finding);
}

/**
 * cfn-guard Control Tower findings on the raw templates, acknowledgements IGNORED: what AWS Control Tower's proactive
 * controls see, since they run as CloudFormation hooks on resource properties at deploy time and never read the
 * acknowledgement metadata. Several stacks (of one app or several) are checked in one cfn-guard run, which costs
 * about as much as checking one. Each finding's path is the violating construct's path (stack id first).
 */
export function rawGuardFindings(...stacks: Stack[]): Finding[] {
  return runGuard(stacks).map(v => v.finding);
}

/** Runs the Control Tower rules once over the stacks' templates; each violation with its construct, when known. */
function runGuard(stacks: Stack[]): { finding: Finding; construct?: CfnResource }[] {
  const byTemplate = new Map<string, { stack: Stack; byLogicalId: Map<string, CfnResource> }>();
  for (const stack of stacks) {
    const byLogicalId = new Map<string, CfnResource>();
    for (const c of stack.node.findAll()) {
      if (CfnResource.isCfnResource(c) && Stack.of(c) === stack) byLogicalId.set(stack.resolve(c.logicalId), c);
    }
    byTemplate.set(writeTemplate(stack), { stack, byLogicalId });
  }
  const templates = [...byTemplate.keys()].map(file => JSON.parse(fs.readFileSync(file, 'utf8')));
  const selectedRules = guardFor(templates);
  if ((selectedRules as any).rulesPaths.length === 0) return [];
  const report = selectedRules.validate({ templatePaths: [...byTemplate.keys()] } as any);
  const found: { finding: Finding; construct?: CfnResource }[] = [];
  for (const violation of report.violations) {
    const rule = violation.ruleName;
    for (const resource of violation.violatingResources) {
      const owner = byTemplate.get(resource.templatePath) ?? (byTemplate.size === 1 ? [...byTemplate.values()][0] : undefined);
      const construct = resource.resourceLogicalId ? owner?.byLogicalId.get(resource.resourceLogicalId) : undefined;
      const at = construct?.node.path ?? `${owner?.stack.node.path ?? resource.templatePath}/${resource.resourceLogicalId ?? '?'}`;
      found.push({ finding: { pack: 'CfnGuard', rule, path: at, description: violation.description }, construct });
    }
  }
  return found;
}

/** Renders findings one per line, for readable test failures. */
export function formatFindings(findings: Finding[]): string[] {
  return findings.map(f => `${f.pack} ${f.rule} at ${f.path}`);
}

function isAcknowledged(construct: IConstruct, rule: string): boolean {
  for (let c: IConstruct | undefined = construct; c; c = c.node.scope) {
    for (const entry of c.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data && Object.keys(entry.data).some(id => id === rule || id.endsWith(`::${rule}`))) {
        return true;
      }
    }
  }
  return false;
}

function writeTemplate(stack: Stack): string {
  const stage = Stage.of(stack) as Stage | App;
  const assembly = stage.synth();
  const artifact = assembly.getStackArtifact(stack.artifactId);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-'));
  const file = path.join(dir, `${stack.artifactId}.template.json`);
  fs.writeFileSync(file, JSON.stringify(artifact.template));
  return file;
}

