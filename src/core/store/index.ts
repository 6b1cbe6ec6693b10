/** The state-store interface and its local implementation (see docs/architecture.md). */
export type { StateStore, StoredState, StoreWriteOptions, StoreUpdateOptions, StateChange } from './types.js';
export { LocalStateStore, etagOf, localStateFile } from './local.js';
export { checkStoreKey } from './keys.js';
