/**
 * The `--json` result shapes are a contract, like the flags in command-snapshot.json:
 * etc/result-schemas.json holds the JSON Schema of every command's result type, and a
 * shape that changes without regenerating it fails here.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import Doctor from '../../src/commands/doctor.js';
import ConfigList from '../../src/commands/config/list.js';
import { repoRoot } from '../helpers/cli.js';
import { runInProcess } from '../helpers/in-process.js';

interface SchemaDocument {
  commands: Record<string, string>;
  types: Record<string, string>;
  schema: { definitions: Record<string, unknown> };
}

const checkedIn = readFileSync(join(repoRoot, 'etc/result-schemas.json'), 'utf8');
const document = JSON.parse(checkedIn) as SchemaDocument;

function validator(type: string) {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addSchema({ ...document.schema, $id: 'results' });
  return ajv.getSchema(`results#/definitions/${type}`)!;
}

describe('result schemas (etc/result-schemas.json)', () => {
  it('match the result types in src/core/<topic>/types.ts (regenerate with `node scripts/result-schemas.mjs`)', async () => {
    // @ts-expect-error: a plain .mjs script without type declarations
    const { generateResultSchemas, render } = (await import('../../scripts/result-schemas.mjs')) as {
      generateResultSchemas: () => Promise<unknown>;
      render: (d: unknown) => string;
    };
    expect(render(await generateResultSchemas())).toBe(checkedIn);
  }, 300_000);

  it('name a result type for every command, each defined in core and compiling as JSON Schema', () => {
    expect(Object.keys(document.commands).length).toBeGreaterThanOrEqual(50);
    for (const [command, type] of Object.entries(document.commands)) {
      expect(document.types[type], command).toMatch(/^src\/core\/[\w/-]+\/types\.ts$/);
      expect(validator(type), type).toBeTypeOf('function');
    }
  });

  describe('describe what commands really print', () => {
    const home = mkdtempSync(join(tmpdir(), 'circle-result-schemas-'));
    afterAll(() => rmSync(home, { recursive: true, force: true }));

    it.each([
      ['doctor', Doctor, []],
      ['config list', ConfigList, ['--show-origin']],
    ] as const)('%s --json', async (command, Command, args) => {
      const r = await runInProcess(Command, [...args, '--home', home, '--json']);
      const validate = validator(document.commands[command]!);
      const json = JSON.parse(r.stdout) as unknown;
      expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
      // A wrong shape is caught: the check can fail.
      expect(validate({ ...(json as object), checks: 'nope', entries: 'nope' })).toBe(false);
    });
  });
});
