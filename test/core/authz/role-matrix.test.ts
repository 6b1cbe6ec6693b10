import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuditKeys } from '../../../src/core/audit/keys.js';
import { openAuditSink } from '../../../src/core/audit/open-sink.js';
import { readAuditEntries } from '../../../src/core/audit/query.js';
import { writeAuditEvent } from '../../../src/core/audit/write.js';
import { createMachineToken, listMachineTokens, unlockWithMachineToken } from '../../../src/core/auth/tokens.js';
import { listUsers, setUserLocked } from '../../../src/core/auth/users.js';
import { PERMISSIONS, ROLES, ROLE_PERMISSIONS, type Permission, type Role } from '../../../src/core/authz/index.js';
import { writeConfigValue } from '../../../src/core/config/write.js';
import { createCircle } from '../../../src/core/context/index.js';
import { scanDependencies } from '../../../src/core/scan/deps/scan.js';
import { scanSecrets } from '../../../src/core/scan/secrets/scanner.js';
import { getPersonalSecret, setPersonalSecret } from '../../../src/core/secrets/personal-store.js';
import type { VaultContext } from '../../../src/core/vault/context.js';
import { initVault } from '../../../src/core/vault/init.js';
import { listKeys, rotateKeys } from '../../../src/core/vault/keys.js';
import { getSystemSecret, putSystemSecret } from '../../../src/core/vault/system-secrets.js';
import { createIssuerKey } from '../../../src/core/license/issuer.js';
import { createPublisherKey } from '../../../src/core/pkg/keystore.js';
import { installPackages } from '../../../src/core/pkg/install.js';
import { applyEnvironment } from '../../../src/core/deploy/apply.js';
import type { RenderedEnvironment } from '../../../src/core/deploy/render.js';
import { createBackup, pruneBackups, restoreBackup } from '../../../src/core/backup/index.js';
import { FileStore } from '../../../src/core/storage/file.js';
import type { RegistrySet } from '../../../src/core/pkg/sources.js';

process.env.CIRCLE_ARGON2_MEMORY_KIB = '1024';
process.env.CIRCLE_ARGON2_TIME_COST = '1';

/**
 * The role × operation matrix: every exported operation that needs a permission
 * runs once per role, and what actually happened (denied with PERMISSION_DENIED,
 * or not) must match both the role table in docs/security-model.md and
 * ROLE_PERMISSIONS. An allowed operation may still fail for another reason (the
 * user does not exist): only PERMISSION_DENIED counts as a denial.
 */
interface Principal {
  role: Role;
  ctx: VaultContext;
  token: string;
}

interface Operation {
  name: string;
  permission: Permission;
  /** Resolves true when the role was allowed; a permission denial throws. */
  run(p: Principal): Promise<unknown>;
}

let home: string;
let scanRoot: string;
const principals = new Map<Role, Principal>();

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'circle-matrix-'));
  scanRoot = join(home, 'scan-root');
  mkdirSync(scanRoot);
  const audit = openAuditSink(home);
  const { ctx: admin } = await initVault(join(home), { admin: 'alice', password: 'correct horse battery', audit });
  await setPersonalSecret(admin, 'development', 'SEED', 'seed-value');
  // Every role as a machine token: the role comes from the verified vault on each unlock, as for users.
  for (const role of ROLES) {
    const { token } = await createMachineToken(admin, { name: `matrix-${role}`, role });
    principals.set(role, { role, token, ctx: await unlockWithMachineToken(home, token, { audit }) });
  }
}, 120_000);

afterAll(() => rmSync(home, { recursive: true, force: true }));

const operations: Operation[] = [
  { name: 'getPersonalSecret', permission: 'secrets.read', run: ({ ctx }) => getPersonalSecret(ctx, 'development', 'SEED') },
  { name: 'setPersonalSecret', permission: 'secrets.write', run: ({ ctx, role }) => setPersonalSecret(ctx, 'development', `BY_${role.toUpperCase()}`, 'v') },
  { name: 'listKeys', permission: 'keys.read', run: ({ ctx }) => listKeys(ctx) },
  { name: 'rotateKeys', permission: 'keys.rotate', run: ({ ctx }) => rotateKeys(ctx) },
  { name: 'getSystemSecret', permission: 'keys.rotate', run: ({ ctx }) => getSystemSecret(ctx, 'audit.signing-key') },
  { name: 'putSystemSecret', permission: 'keys.rotate', run: ({ ctx, role }) => putSystemSecret(ctx, `matrix.${role}`, Buffer.from('x')) },
  { name: 'listUsers', permission: 'users.read', run: ({ ctx }) => listUsers(ctx) },
  { name: 'setUserLocked', permission: 'users.manage', run: ({ ctx }) => setUserLocked(ctx, 'nobody-here', true).catch(notFoundIsAllowed) },
  { name: 'listMachineTokens', permission: 'tokens.manage', run: ({ ctx }) => listMachineTokens(ctx) },
  { name: 'loadAuditKeys (details key)', permission: 'audit.read', run: ({ ctx }) => loadAuditKeys(home, ctx).then((k) => k.detailsPrivateKey ?? denied('audit.read')) },
  { name: 'loadAuditKeys (signing key)', permission: 'audit.checkpoint', run: ({ ctx }) => loadAuditKeys(home, ctx).then((k) => k.signingKey ?? denied('audit.checkpoint')) },
  { name: 'writeAuditEvent', permission: 'audit.write', run: ({ ctx, role }) => writeAuditEvent(ctx, { action: 'app.matrix', outcome: 'success', target: role }) },
  {
    name: 'writeConfigValue',
    permission: 'config.write',
    run: ({ ctx }) => writeConfigValue({ homeDir: home }, 'scan.db.maxAgeDays', 3, { audit: ctx.audit, actor: ctx.auditActor, authorizer: ctx }),
  },
  {
    name: 'Circle.settings',
    permission: 'config.read',
    run: async ({ token }) => {
      const circle = createCircle({ home, cwd: scanRoot, env: {}, credentials: { machineToken: token } });
      await circle.unlock();
      return circle.settings();
    },
  },
  { name: 'createIssuerKey', permission: 'license.issue', run: ({ ctx, role }) => createIssuerKey(ctx, `matrix-${role}`) },
  { name: 'createPublisherKey', permission: 'pkg.publish', run: ({ ctx }) => createPublisherKey(ctx) },
  // Past the check, an allowed role fails for want of a registry: only a denial counts.
  {
    name: 'installPackages',
    permission: 'pkg.install',
    run: ({ ctx }) => installPackages({ ctx, projectDir: scanRoot, registries: undefined as unknown as RegistrySet, specs: ['nothing'], signatures: 'require', trusted: [] }).catch(notFoundIsAllowed),
  },
  // No kubectl is looked for before the check; past it, an allowed role fails for want of one or of a cluster.
  {
    name: 'applyEnvironment',
    permission: 'deploy.apply',
    run: ({ ctx }) => applyEnvironment(ctx, { env: 'matrix', overlay: scanRoot, engine: 'kubectl', manifests: '', stream: '' } as unknown as RenderedEnvironment, { processEnv: { PATH: '' } }).catch(notFoundIsAllowed),
  },
  { name: 'createBackup', permission: 'backup.create', run: ({ ctx }) => createBackup({ home, store: new FileStore(join(home, 'matrix-backups')), recipients: [], authorizer: ctx }).catch(notFoundIsAllowed) },
  { name: 'pruneBackups', permission: 'backup.create', run: ({ ctx }) => pruneBackups(new FileStore(join(home, 'matrix-backups')), 5, ctx) },
  {
    name: 'restoreBackup (over a live vault)',
    permission: 'backup.restore',
    run: ({ ctx }) => restoreBackup({ home, store: new FileStore(join(home, 'matrix-backups')), identities: [], apply: false, authorizer: async () => ctx }).catch(notFoundIsAllowed),
  },
  { name: 'scanSecrets', permission: 'scan.run', run: ({ ctx }) => scanSecrets({ root: scanRoot, source: 'tree', authorizer: ctx }) },
  // No advisory index: an allowed role gets past the check and then fails for want of one.
  { name: 'scanDependencies', permission: 'scan.run', run: ({ ctx }) => scanDependencies({ root: scanRoot, authorizer: ctx } as unknown as Parameters<typeof scanDependencies>[0]).catch(notFoundIsAllowed) },
];

/** Permissions declared for topics still being built: none today, every permission is checked by some operation. */
const RESERVED: Permission[] = [];

function notFoundIsAllowed(error: { code?: string }): unknown {
  if (error.code === 'PERMISSION_DENIED') throw error;
  return undefined;
}

function denied(permission: string): never {
  throw Object.assign(new Error(`no ${permission}`), { code: 'PERMISSION_DENIED' });
}

async function allowed(op: Operation, p: Principal): Promise<boolean> {
  try {
    await op.run(p);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'PERMISSION_DENIED') return false;
    throw error;
  }
}

/** The role table between the role-matrix markers of docs/security-model.md: permission → roles that have it. */
function documentedMatrix(): Map<string, Set<Role>> {
  const text = readFileSync(join(__dirname, '../../../docs/security-model.md'), 'utf8');
  const block = /<!-- role-matrix:start -->([\s\S]*?)<!-- role-matrix:end -->/.exec(text)?.[1];
  if (!block) throw new Error('docs/security-model.md has no role-matrix block');
  const rows = block.split('\n').filter((l) => l.startsWith('|'));
  const header = rows[0]!.split('|').map((c) => c.trim());
  const roleColumns = ROLES.map((r) => header.indexOf(r));
  expect(roleColumns.every((i) => i > 0), 'every role has a column').toBe(true);
  const matrix = new Map<string, Set<Role>>();
  for (const row of rows.slice(2)) {
    const cells = row.split('|').map((c) => c.trim());
    const permission = cells[1]!.replace(/`/g, '');
    matrix.set(permission, new Set(ROLES.filter((_, i) => cells[roleColumns[i]!] === 'yes')));
  }
  return matrix;
}

describe('role × operation matrix', () => {
  it('the documented table is ROLE_PERMISSIONS, row for row', () => {
    const documented = documentedMatrix();
    expect([...documented.keys()].sort()).toEqual([...PERMISSIONS].sort());
    for (const permission of PERMISSIONS) {
      expect([...documented.get(permission)!].sort(), permission).toEqual(ROLES.filter((r) => ROLE_PERMISSIONS[r].has(permission)).sort());
    }
  });

  it('every declared permission is checked by some operation, or reserved for a topic in progress', () => {
    const checked = new Set(operations.map((o) => o.permission));
    expect(PERMISSIONS.filter((p) => !checked.has(p)).sort()).toEqual([...RESERVED].sort());
  });

  it('each operation allows exactly the roles the table gives its permission', { timeout: 120_000 }, async () => {
    const documented = documentedMatrix();
    const observed: Record<string, Record<Role, boolean>> = {};
    const expected: Record<string, Record<Role, boolean>> = {};
    for (const op of operations) {
      observed[op.name] = {} as Record<Role, boolean>;
      expected[op.name] = {} as Record<Role, boolean>;
      for (const role of ROLES) {
        observed[op.name]![role] = await allowed(op, principals.get(role)!);
        expected[op.name]![role] = documented.get(op.permission)!.has(role);
      }
    }
    expect(observed).toEqual(expected);
  });

  it('records each denial in the audit log', async () => {
    const entries = (await readAuditEntries(home, { action: 'auth.permission' }, 10_000)).entries;
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.outcome === 'denied' && e.actor.type === 'token')).toBe(true);
  });
});
