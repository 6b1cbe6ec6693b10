/**
 * Roles and permissions moved to `src/core/authz/`; this module re-exports them so
 * existing imports (and permissions other topics add here) keep working.
 */
export * from '../authz/permissions.js';
