import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Each fact under src/services/ carries the page it rests on. AWS facts cite the AWS documentation; the few engine
 * facts (reserved words of PostgreSQL, MySQL and MariaDB) cite the engine's own documentation.
 */
const SERVICES = path.join(__dirname, '..', '..', 'src', 'services');
const ENGINE_DOCS = ['https://www.postgresql.org/', 'https://github.com/postgres/', 'https://dev.mysql.com/', 'https://mariadb.com/'];
/**
 * Other sources a fact may rest on: the standards AWS's API reference cites (RFCs), AWS's own published doc sources
 * (github.com/awsdocs, for text since removed from the live page), and observed behaviour AWS does not document (the
 * archive retention maximum; the master user name RDS refuses for PostgreSQL engines; see docs/known-limits.md).
 */
const OTHER_SOURCES = [
  'https://www.rfc-editor.org/rfc/', 'https://github.com/awsdocs/', 'https://github.com/hashicorp/terraform-provider-aws/issues/35065',
  'https://github.com/aws/aws-cdk/issues/10579', 'https://github.com/aws-cloudformation/cfn-lint/pull/4425',
];

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return files(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const sources = files(SERVICES).map(file => ({ file: path.relative(SERVICES, file), text: fs.readFileSync(file, 'utf-8') }));

test('every @see under src/services/ points at the AWS documentation or at an engine\'s own documentation', () => {
  const links = sources.flatMap(({ file, text }) => [...text.matchAll(/@see\s+(\S+)/g)].map(m => ({ file, link: m[1] })));
  expect(links.length).toBeGreaterThan(20);
  const elsewhere = links.filter(({ link }) => !link.startsWith('https://docs.aws.amazon.com/') && ![...ENGINE_DOCS, ...OTHER_SOURCES].some(prefix => link.startsWith(prefix)));
  expect(elsewhere).toEqual([]);
});
