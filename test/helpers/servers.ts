import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Real storage API servers for tests, on 127.0.0.1 and free ports, each in its
 * own process (so a test can kill one mid-transfer) and stopped by `stop()`.
 */
export interface TestServer {
  endpoint: string;
  port: number;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
  /** SIGKILL, leaving the data so `restart()` can bring the same server back on the same port. */
  kill(): Promise<void>;
  restart(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export const S3_TEST_BUCKET = 'circle-test';
/** s3rver's fixed credentials: not a secret. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
/** Azurite's documented well-known development account: not a secret. */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function startProcess(command: string[], ready: RegExp, portOf: (line: string) => number | undefined): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, command, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start: ${output}`));
    }, 30_000);
    const onData = (data: Buffer) => {
      output += data.toString();
      for (const line of output.split('\n')) {
        if (!ready.test(line)) continue;
        const port = portOf(line);
        if (port === undefined) continue;
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve({ child, port });
        return;
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}): ${output}`));
    });
  });
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

function managed(start: (port: number | undefined) => Promise<{ child: ChildProcess; port: number }>, endpointOf: (port: number) => string, dir: string) {
  return async (): Promise<TestServer> => {
    let current = await start(undefined);
    const port = current.port;
    return {
      endpoint: endpointOf(port),
      port,
      async stop() {
        await stopChild(current.child, 'SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      },
      async kill() {
        await stopChild(current.child, 'SIGKILL');
      },
      async restart() {
        current = await start(port);
      },
    };
  };
}

/** s3rver (files under a temp folder) with the test bucket created. */
export async function startS3Server(): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'circle-s3rver-'));
  return managed(
    // s3rver encrypts list continuation tokens with DES, which OpenSSL 3 only has in its legacy provider.
    (port) => startProcess(['--openssl-legacy-provider', join(here, 's3rver-child.mjs'), dir, S3_TEST_BUCKET, String(port ?? 0)], /"port"/, (line) => (JSON.parse(line) as { port: number }).port),
    (port) => `http://127.0.0.1:${port}`,
    dir,
  )();
}

/** Azurite's blob service, data under a temp folder. */
export async function startAzurite(): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'circle-azurite-'));
  const main = join(dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'blob', 'main.js');
  return managed(
    async (port) => {
      const chosen = port ?? (await freePort());
      return startProcess(
        [main, '--blobHost', '127.0.0.1', '--blobPort', String(chosen), '--location', dir, '--silent', '--skipApiVersionCheck', '--disableProductStyleUrl', '--loose'],
        /successfully listens/,
        () => chosen,
      );
    },
    (port) => `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`,
    dir,
  )();
}
