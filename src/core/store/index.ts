/** The state-store interface and its local implementation (see docs/architecture.md). */
export type { StateStore, StoredState, StoreWriteOptions, StateChange } from './types.js';
export { LocalStateStore, etagOf } from './local.js';
export { checkStoreKey } from './keys.js';
