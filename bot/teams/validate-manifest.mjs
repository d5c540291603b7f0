// Validates a Teams app manifest against the JSON schema of its own manifestVersion, as shipped in the npm
// package @microsoft/app-manifest (a devDependency of bot/webchat, installed by the host's build).
//   node bot/teams/validate-manifest.mjs path/to/manifest.json
// Exit code 0: valid; 1: invalid (the errors are printed); 2: the manifest or its schema cannot be read.
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(new URL('../webchat/package.json', import.meta.url));
const Ajv = require('ajv-draft-04');
const addFormats = require('ajv-formats');

function fail(message) {
  console.error(message);
  process.exit(2);
}

const manifestPath = process.argv[2];
if (!manifestPath) fail('usage: node validate-manifest.mjs MANIFEST.json');
let manifest;
try {
  manifest = JSON.parse(readFileSync(manifestPath, 'utf8').replace(/^\uFEFF/, ''));
} catch (e) {
  fail(`${manifestPath}: ${e.message}`);
}

const version = manifest.manifestVersion;
if (typeof version !== 'string') fail(`${manifestPath}: no manifestVersion`);
const schemas = join(dirname(require.resolve('@microsoft/app-manifest/package.json')), 'build', 'json-schemas', 'teams');
const schemaPath = join(schemas, `v${version}`, 'MicrosoftTeams.schema.json');
if (!existsSync(schemaPath)) fail(`@microsoft/app-manifest ships no schema for manifestVersion ${version} (${schemaPath})`);

const errors = [];
// The $schema URL is what editors and the Developer Portal read: it must name the same version.
if (manifest.$schema && !manifest.$schema.includes(`/v${version}/`))
  errors.push(`$schema ${manifest.$schema} does not match manifestVersion ${version}`);

// The schemas are draft-04 with a few keywords of later drafts; strict mode would refuse those, not the manifest.
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
if (!validate(manifest))
  for (const e of validate.errors) errors.push(`${e.instancePath || '/'} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`);

if (errors.length > 0) {
  console.error(`${manifestPath} is not a valid Teams manifest ${version}:`);
  for (const e of errors) console.error(`  ${e}`);
  process.exit(1);
}
console.log(`${manifestPath}: valid against MicrosoftTeams.schema.json v${version}`);
