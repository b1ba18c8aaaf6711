// The result type shared by src/spec/index.ts and legacy.ts (a file of its own: no import cycle between them).
import type { ValidationIssue } from './context.js';

export interface ValidationResult {
  valid: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}
