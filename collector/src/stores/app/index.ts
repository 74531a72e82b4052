/** The SQLite app store: open it, bootstrap it, and the repository contracts. */
export { openAppStore, type AppStore, type AppStoreOptions } from './open_app_store.js';
export { ensureAdmin, ensureAgentKey, type EnsuredAdmin } from './bootstrap.js';
export { resolveEncryptionKey, parseEncryptionKey } from './secret_box.js';
export type * from './types.js';
