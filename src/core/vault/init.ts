import { randomBytes } from 'node:crypto';
import type { AuditSink } from '../audit/sink.js';
import { discardAuditEvents } from '../audit/sink.js';
import { randomKey } from '../crypto/aead.js';
import { CircleError } from '../errors.js';
import { ensureHome } from '../home/paths.js';
import { addUserToBody } from '../auth/principals.js';
import { checkPassword, DEFAULT_PASSWORD_POLICY, type PasswordPolicy } from '../auth/password-policy.js';
import { VaultContext } from './context.js';
import { newKeyringKey } from './keyring.js';
import { userNameSchema, type VaultBody } from './schema.js';
import { createVaultFile, readVaultUnverified } from './store.js';
import { putInternal } from './internal-records.js';
import { auditKeySecrets, auditKeysForNewVault, publishAuditPublicKeys, removeLegacyAuditKeys } from '../audit/keys.js';

export interface InitVaultOptions {
  admin: string;
  password: string;
  audit?: AuditSink;
  passwordPolicy?: PasswordPolicy;
}

export interface InitVaultResult {
  vaultId: string;
  admin: string;
  /** The admin's unlocked context, for MFA enrolment and a first session. */
  ctx: VaultContext;
}

export async function vaultExists(home: string): Promise<boolean> {
  try {
    return (await readVaultUnverified(home)) !== undefined;
  } catch {
    // A damaged vault still exists: init must not overwrite it.
    return true;
  }
}

/** Creates the vault with its first admin. ALREADY_EXISTS (exit 6) if a vault is there; nothing is changed then. */
export async function initVault(home: string, options: InitVaultOptions): Promise<InitVaultResult> {
  const audit = options.audit ?? discardAuditEvents;
  const name = userNameSchema.safeParse(options.admin);
  if (!name.success) throw new CircleError('USAGE', `Invalid user name ${JSON.stringify(options.admin)}: ${name.error.issues[0]?.message ?? ''}`);
  await ensureHome(home);
  if (await vaultExists(home)) {
    throw new CircleError('ALREADY_EXISTS', `A vault already exists in ${home}`, { hint: 'Nothing was changed. Log in with `circle auth login`.', details: { home } });
  }
  checkPassword(options.password, name.data, options.passwordPolicy ?? DEFAULT_PASSWORD_POLICY);
  // The audit log is born with the vault: its private keys are sealed in the vault, its public keys
  // published in clear once the vault is durable (a crash between is repaired by ensureAuditKeys).
  const auditKeys = await auditKeysForNewVault(home);
  const rootKey = randomKey();
  const vaultId = randomBytes(16).toString('hex');
  const { entry, key } = newKeyringKey(rootKey, vaultId, 'k1');
  const body: VaultBody = {
    vaultId,
    createdAt: new Date().toISOString(),
    generation: 1,
    users: {},
    tokens: {},
    keyring: { active: 'k1', keys: [entry] },
    records: {},
  };
  const ctx = new VaultContext({ home, data: body, rootKey, actor: { type: 'user', id: name.data }, role: 'admin', audit, method: { kind: 'password' } });
  key.fill(0);
  await addUserToBody(body, rootKey, ctx, { name: name.data, role: 'admin', password: options.password, mustChangePassword: false });
  const secrets = auditKeySecrets(auditKeys);
  for (const s of secrets) {
    putInternal(body, ctx, 'system', s.name, s.bytes);
    s.bytes.fill(0);
  }
  await createVaultFile(home, body, rootKey);
  await publishAuditPublicKeys(home, auditKeys);
  await removeLegacyAuditKeys(home);
  await ctx.record({ action: 'auth.init', outcome: 'success', target: name.data });
  return { vaultId, admin: name.data, ctx };
}
