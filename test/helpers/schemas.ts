import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { repoRoot } from './cli.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;

/** A validator for the official SARIF 2.1.0 schema (test/fixtures/schemas). */
export function sarifValidator(): ValidateFunction {
  const schema = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/schemas/sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}
