/**
 * Writes API.md (task `docgen`, after `compile`): jsii-docgen's TypeScript reference, as `jsii-docgen -o API.md`
 * writes it, with one addition: the return type of every static method.
 *
 * jsii-docgen (10.12) shows an instance method as a signature (`public grantConnect(grantee: IGrantable, dbUser:
 * string): Grant`) but a static method as a call (`KeyPolicyStatements.queue(props: QueueKeyStatementProps)`), and
 * renders no `@returns` either, so nothing in API.md said that `queue` returns one statement and `eventBus` a list.
 * Here the call gets the return type the way the signatures show it (`...queue(props: QueueKeyStatementProps):
 * PolicyStatement`), taken from the assembly docgen has just loaded and formatted by docgen's own TypeScript
 * transpiler. Everything else is docgen's unchanged renderer.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Documentation, Language, MarkdownDocument, MarkdownRenderer, MarkdownRendererOptions, MethodSchema } from 'jsii-docgen';
import { TypeScriptTranspile } from 'jsii-docgen/lib/docgen/transpile/typescript';

const ROOT = path.join(__dirname, '..');
const OUTPUT = path.join(ROOT, 'API.md');

type ReflectMethod = Parameters<TypeScriptTranspile['callable']>[0] & {
  readonly name: string;
  readonly static: boolean;
  readonly protected: boolean;
  readonly parentType: { readonly fqn: string };
};
interface ReflectAssembly {
  readonly allClasses: readonly { readonly allMethods: readonly ReflectMethod[] }[];
}

/** docgen's renderer, with each static method's usage completed by its return type. */
class ReturnTypeRenderer extends MarkdownRenderer {
  constructor(options: MarkdownRendererOptions, private readonly returnTypes: ReadonlyMap<string, string>) {
    super(options);
  }

  public visitStaticFunction(method: MethodSchema): MarkdownDocument {
    const returns = this.returnTypes.get(method.id);
    if (returns === undefined || method.usage === undefined) {
      throw new Error(`docgen: no return type or usage for the static method ${method.id}`);
    }
    return super.visitStaticFunction({ ...method, usage: `${method.usage}: ${returns}` });
  }
}

async function main(): Promise<void> {
  const docs = await Documentation.forProject(ROOT);
  try {
    // The options `jsii-docgen -o API.md` uses.
    const schema = (await docs.toJson({ language: Language.TYPESCRIPT, allSubmodules: true })).content;
    if (!schema.apiReference) throw new Error('docgen: the schema has no API reference');

    // The reflected assembly toJson has just loaded (docgen caches it by these options, the defaults of toJson).
    const assembly = await (docs as unknown as {
      createAssembly(language: undefined, options: { loose: boolean; validate: boolean }): Promise<ReflectAssembly>;
    }).createAssembly(undefined, { loose: true, validate: false });
    const transpile = new TypeScriptTranspile();
    const returnTypes = new Map<string, string>();
    for (const klass of assembly.allClasses) {
      for (const method of klass.allMethods.filter(m => m.static && !m.protected)) {
        const returnType = transpile.callable(method).returnType;
        returnTypes.set(`${method.parentType.fqn}.${method.name}`, returnType?.toString({ typeFormatter: t => t.name }) ?? 'void');
      }
    }

    // MarkdownRenderer.fromSchema, with the renderer above.
    const renderer = new ReturnTypeRenderer({ language: Language.fromString(schema.language), ...schema.metadata }, returnTypes);
    const documentation = new MarkdownDocument();
    documentation.section(renderer.visitApiReference(schema.apiReference));
    fs.writeFileSync(OUTPUT, documentation.render());
  } finally {
    await docs.cleanup();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
