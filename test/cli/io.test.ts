import { Readable, PassThrough } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { colourAllowed, createIo, paint } from '../../src/cli/io.js';
import { terminalQr } from '../../src/cli/prompts.js';
import Doctor from '../../src/commands/doctor.js';
import ConfigGet from '../../src/commands/config/get.js';
import { runInProcess } from '../helpers/in-process.js';

const ESC = '\u001b';

describe('colourAllowed: one decision per stream', () => {
  it.each([
    [true, {}, false, true],
    [false, {}, false, false],
    [true, { NO_COLOR: '1' }, false, false],
    [true, { NO_COLOR: '' }, false, false],
    [true, {}, true, false],
    [true, { FORCE_COLOR: '0' }, false, false],
    [false, { FORCE_COLOR: '1' }, false, true],
    [false, { FORCE_COLOR: '1', NO_COLOR: '1' }, false, false],
    [true, { FORCE_COLOR: 'false' }, false, false],
  ] as const)('tty=%s env=%j --no-color=%s → %s', (tty, env, flag, expected) => {
    expect(colourAllowed(tty, env, flag)).toBe(expected);
  });

  it('a terminal on stderr and a file on stdout: colour only on stderr', () => {
    const stdout = new PassThrough();
    const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
    const io = createIo({ env: {}, json: false, quiet: false, noInput: false, noColor: false }, { stdin: Readable.from([]), stdout, stderr });
    expect(paint(io.out, 'red', 'x')).toBe('x');
    expect(paint(io.err, 'red', 'x')).toBe(`${ESC}[31mx${ESC}[0m`);
    expect(io.canPrompt).toBe(false); // stdin is not a terminal
  });

  it('prompting needs terminals on stdin and stderr, and no CI, --json or --no-input', () => {
    const make = (settings: Partial<{ json: boolean; noInput: boolean }>, env: NodeJS.ProcessEnv = {}) =>
      createIo(
        { env, json: false, quiet: false, noInput: false, noColor: false, ...settings },
        { stdin: Object.assign(Readable.from([]), { isTTY: true }), stdout: new PassThrough(), stderr: Object.assign(new PassThrough(), { isTTY: true, columns: 80 }) },
      ).canPrompt;
    expect(make({})).toBe(true);
    expect(make({ json: true })).toBe(false);
    expect(make({ noInput: true })).toBe(false);
    expect(make({}, { CI: 'true' })).toBe(false);
  });
});

describe('the QR code for an authenticator', () => {
  const uri = 'otpauth://totp/circle:alice?secret=JBSWY3DPEHPK3PXP&issuer=circle';
  it('is drawn with block characters only when colour is off (NO_COLOR)', async () => {
    const plain = await terminalQr(uri, false);
    expect(plain).not.toContain(ESC);
    const lines = plain.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(line).toMatch(/^[ █▀▄]+$/u);
    expect(new Set(lines.map((l) => [...l].length)).size).toBe(1); // a square: every row as wide
  });
  it('keeps the coloured rendering on a colour terminal', async () => {
    expect(await terminalQr(uri, true)).toContain(ESC);
  });
});

describe('commands in process, with a test double of Io', () => {
  const home = mkdtempSync(join(tmpdir(), 'circle-io-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('doctor colours its marks on a terminal stdout, not on a pipe', async () => {
    const onTerminal = await runInProcess(Doctor, ['--home', home], { tty: { stdout: true }, env: {} });
    expect(onTerminal.stdout).toContain(`${ESC}[32mok  ${ESC}[0m  Node.js`);
    const piped = await runInProcess(Doctor, ['--home', home], { tty: { stderr: true }, env: {} });
    expect(piped.stdout).toMatch(/^ok {4}Node\.js/m);
    expect(piped.stdout).not.toContain(ESC);
  });

  it('--json writes one document through the Io and returns the same value', async () => {
    const r = await runInProcess(ConfigGet, ['scan.failOn', '--home', home, '--json']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(r.result);
    expect(r.stderr).toBe('');
  });

  it('an error becomes one line on the Io stderr and an exit code, nothing on stdout', async () => {
    const r = await runInProcess(ConfigGet, ['no.such.key', '--home', home]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: /);
    expect(r.stderr).not.toContain(ESC);
  });
});
