// Prints what the stack decided in each failed e2e scenario (src/failure-digest.ts): `.ci/run`
// calls it when the tests fail, since a clean clone's logs are gone with it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { digest, failedFiles } from '../src/failure-digest.js';

const artifacts = join(import.meta.dirname, '../../../test-artifacts');
const reportPath = join(artifacts, 'e2e.json');
if (!existsSync(reportPath)) {
  process.stdout.write('failure digest: no e2e report (the e2e tests did not run)\n');
  process.exit(0);
}
const failed = failedFiles(
  JSON.parse(readFileSync(reportPath, 'utf8')) as Parameters<typeof failedFiles>[0],
);
const logDir = join(artifacts, 'e2e');
const logNames = existsSync(logDir) ? readdirSync(logDir) : [];
for (const file of failed.slice(0, 3)) {
  const logs = logNames
    .filter((name) => name.startsWith(`${file.scenario}.`) && name.endsWith('.log'))
    .map((name) => ({
      source: name.slice(file.scenario.length + 1, -'.log'.length),
      text: readFileSync(join(logDir, name), 'utf8'),
    }));
  process.stdout.write(`${digest(file, logs, 25).join('\n')}\n`);
}
