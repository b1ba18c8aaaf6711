/**
 * Compatibility shim: the semantic rules now live in `rules/` (one module per rule); this re-exports the
 * runner so existing imports keep working.
 */
export { runSemanticRules,    } from './rules/index.js';
