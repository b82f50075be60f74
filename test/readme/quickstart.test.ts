/**
 * The README's Quickstart runs as written: transpiled from the README (the package name mapped to src/), executed, and
 * its synthesized stack holds what the text around it promises.
 */
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { App } from 'aws-cdk-lib';
import * as ts from 'typescript';

const README = path.join(__dirname, '..', '..', 'README.md');

function quickstart(): string {
  const markdown = fs.readFileSync(README, 'utf-8');
  const section = markdown.slice(markdown.indexOf('\n## Quickstart\n'));
  const match = /```ts[^\n]*\n([\s\S]*?)\n```/.exec(section);
  if (!match) throw new Error('README.md has no ```ts block under "## Quickstart"');
  return match[1];
}

test('the Quickstart runs as written and synthesizes the schedule, the archived bus, the trail and the verifier', () => {
  const source = quickstart().replace(/from 'cdk-encrypted-constructs'/g, `from ${JSON.stringify(path.join(__dirname, '..', '..', 'src'))}`);
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  let app: App | undefined;
  // `new App()` in the snippet: keep a handle on it to read the assembly it synthesized.
  const TrackedApp = class extends cdk.App {
    constructor(...args: any[]) {
      super(...args);
      app = this as unknown as App;
    }
  };
  const nodeRequire = createRequire(__filename);
  const load = (name: string) => (name === 'aws-cdk-lib' ? { ...cdk, App: TrackedApp } : nodeRequire(name));
  new Function('require', 'exports', outputText)(load, {});
  expect(app).toBeDefined();
  const template = app!.synth().getStackByName('Orders').template;
  const types = Object.values<any>(template.Resources).map(r => r.Type);
  for (const type of ['AWS::Scheduler::Schedule', 'AWS::Events::EventBus', 'AWS::Events::Archive', 'AWS::CloudTrail::Trail', 'Custom::EncryptionVerification']) {
    expect(types).toContain(type);
  }
  expect(types.filter(t => t === 'AWS::Lambda::Function').length).toBe(2); // the report function and the one verifier function
});
