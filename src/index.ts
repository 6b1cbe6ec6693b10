/**
 * circle-core's root entry: the few names every user of the library needs. Each topic is
 * its own subpath, importable alone (nothing here loads a topic):
 *
 *   circle-core/secrets  circle-core/audit  circle-core/age   circle-core/scan
 *   circle-core/vault    circle-core/auth   circle-core/config
 *
 * etc/api-report.md lists every export of every entry point with its type.
 */
export { CircleError, ErrorCodes, ExitCode, isCircleError } from './core/errors.js';
export type { CircleErrorJson, ErrorCode, ExitCodeValue } from './core/errors.js';

// The context layer: one invocation's (or request's) settings, policies, audit sink, state store and principal
export { openCircle, createCircle, Circle, type OpenCircleOptions, type SettingsOverrides, type CirclePolicies } from './core/context/index.js';
export type { Authorizer } from './core/authz/index.js';
export { LocalStateStore, type StateStore, type StoredState, type StoreWriteOptions, type StoreUpdateOptions, type StateChange } from './core/store/index.js';

// Health of an installation and its home, as `circle doctor` reports it.
export { runDoctor, type DoctorCheck, type DoctorReport } from './core/doctor.js';

// What every command's --json prints (plain data; JSON Schemas in etc/result-schemas.json).
export type * from './core/auth/types.js';
export type * from './core/secrets/types.js';
export type * from './core/audit/types.js';
export type * from './core/scan/types.js';
export type * from './core/config/types.js';
export type * from './core/vault/types.js';
export type * from './core/doctor/types.js';
export type { DecryptResult, EncryptResult } from './core/age/types.js';
export type * from './core/license/types.js';
export type * from './core/deploy/types.js';
