/**
 * The one catalog of error codes. Every error the system reports to a user carries one of these codes,
 * an HTTP status (used by the registry API) and a human message. The CLI prints `CODE: message` and exits
 * non-zero; the HTTP layer answers with the status.
 *
 * Add codes here, never inline. `errors.test.ts` checks that codes are unique and well-formed.
 */
export const ERROR_CATALOG = {
  // generic
  INTERNAL: { status: 500, message: 'internal error' },
  BAD_REQUEST: { status: 400, message: 'bad request' },
  NOT_FOUND: { status: 404, message: 'not found' },
  NOT_IMPLEMENTED: { status: 501, message: 'not implemented yet' },
  CONFIG_INVALID: { status: 500, message: 'invalid configuration' },
  USAGE: { status: 400, message: 'invalid command-line usage' },

  // storage
  STORAGE_KEY_INVALID: { status: 400, message: 'invalid object key' },
  STORAGE_NOT_FOUND: { status: 404, message: 'object not found' },
  STORAGE_PRECONDITION_FAILED: { status: 412, message: 'precondition failed' },
  STORAGE_RANGE_INVALID: { status: 416, message: 'requested range not satisfiable' },
  STORAGE_UNAVAILABLE: { status: 503, message: 'object store unavailable' },
  STORAGE_URL_INVALID: { status: 500, message: 'invalid storage URL' },

  // zip reading (untrusted input)
  ZIP_INVALID: { status: 422, message: 'not a readable zip file' },
  ZIP_TOO_MANY_ENTRIES: { status: 422, message: 'zip has too many entries' },
  ZIP_TOO_LARGE: { status: 422, message: 'zip uncompressed size exceeds the limit' },
  ZIP_ENTRY_TOO_LARGE: { status: 422, message: 'zip entry exceeds the per-file size limit' },
  ZIP_RATIO_EXCEEDED: { status: 422, message: 'zip entry compression ratio is suspicious (zip bomb?)' },
  ZIP_PATH_INVALID: { status: 422, message: 'zip entry name is not a safe relative path' },
  ZIP_SYMLINK: { status: 422, message: 'zip contains a symbolic link' },
  ZIP_DUPLICATE_ENTRY: { status: 422, message: 'zip contains the same entry twice' },
  ZIP_ENCRYPTED: { status: 422, message: 'zip contains an encrypted entry' },
  ZIP_ROOT_INVALID: { status: 422, message: 'zip must hold exactly one root folder named {name}-{version}/' },
  ZIP_SIZE_MISMATCH: { status: 422, message: 'zip entry size does not match its header' },

  // packages
  MANIFEST_MISSING: { status: 422, message: 'manifest.yml is missing' },
  MANIFEST_INVALID: { status: 422, message: 'manifest.yml is not valid' },
  PACKAGE_NAME_MISMATCH: { status: 422, message: 'manifest name/version do not match the package root folder' },
  PACKAGE_VERSION_INVALID: { status: 422, message: 'package version is not valid semver' },
  PACKAGE_NAME_INVALID: { status: 422, message: 'package name is not valid' },
  SPEC_INVALID: { status: 422, message: 'package does not conform to the package spec' },
  SPEC_VERSION_UNSUPPORTED: { status: 422, message: 'package spec format_version is not supported' },

  // signing
  SIGNATURE_MISSING: { status: 422, message: 'signature is missing' },
  SIGNATURE_MALFORMED: { status: 422, message: 'signature is not a valid armored OpenPGP signature' },
  SIGNATURE_INVALID: { status: 422, message: 'signature does not match the package bytes' },
  SIGNATURE_UNKNOWN_KEY: { status: 422, message: 'signature was made by a key that is not trusted' },
  SIGNATURE_KEY_EXPIRED: { status: 422, message: 'signing key is expired or outside its validity window' },
  SIGNATURE_KEY_REVOKED: { status: 422, message: 'signing key is revoked' },
  KEY_INVALID: { status: 400, message: 'key is not a valid armored OpenPGP key' },
  KEY_PASSPHRASE: { status: 400, message: 'private key passphrase is missing or wrong' },

  // publishing
  VERSION_EXISTS: { status: 409, message: 'this version is already published with different bytes' },
  PUBLISH_FAILED: { status: 500, message: 'publish failed' },
  INDEX_CONFLICT: { status: 503, message: 'index cursor kept moving; gave up after retries' },
  INDEX_INVALID: { status: 500, message: 'index revision is not readable' },
  PUBLISH_TIMEOUT: { status: 504, message: 'package was written but no index revision contained it in time' },

  // HTTP API
  UNAUTHORIZED: { status: 401, message: 'a bearer token is required' },
  FORBIDDEN: { status: 403, message: 'token is not allowed to publish' },
  PUBLISH_DISABLED: { status: 403, message: 'publishing over HTTP is disabled (no publish token configured)' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'request body too large' },

  // upstream registry (mirror, proxy)
  UPSTREAM_UNAVAILABLE: { status: 502, message: 'upstream registry unreachable or failing' },
  UPSTREAM_TIMEOUT: { status: 504, message: 'upstream registry did not answer in time' },
  UPSTREAM_NOT_FOUND: { status: 404, message: 'upstream registry has no such object' },
  UPSTREAM_BAD_ANSWER: { status: 502, message: 'upstream registry answer is not what the API promises' },

  // operator mistakes on the local machine (issue 12 item 14): system errors a user can fix, each with a hint.
  // The CLI maps them from Node's errno errors (systemError below); they never come from an HTTP request.
  PORT_IN_USE: { status: 500, message: 'the listen address is already in use', hint: 'choose another port with --port or PACKAGE_STORAGE_PORT (0 picks a free one), or stop the process that holds it' },
  PATH_NOT_FOUND: { status: 500, message: 'no such file or folder', hint: 'check the path (relative paths are resolved against the current folder)' },
  PERMISSION_DENIED: { status: 500, message: 'permission denied', hint: 'run as a user who may read/write that path, or choose another path' },
  PATH_CONFLICT: { status: 500, message: 'a file is in the way of a folder (or a folder in the way of a file)', hint: 'an output folder cannot be created under an existing file: choose another output path or remove the file' },
} as const satisfies Record<string, { status: number; message: string; hint?: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/** An error with a stable code from the catalog. `detail` is the specific, actionable part. */
export class PsError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail?: string;
  /** Structured extras (e.g. validation errors) for JSON output. */
  readonly data?: unknown;
  /** What the user can do about it (from the catalog), for the CLI. */
  readonly hint?: string;

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown; data?: unknown }) {
    const base = ERROR_CATALOG[code];
    super(detail ? `${base.message}: ${detail}` : base.message, options?.cause ? { cause: options.cause } : undefined);
    this.name = 'PsError';
    this.code = code;
    this.status = base.status;
    this.detail = detail;
    this.data = options?.data;
    this.hint = (base as { hint?: string }).hint;
  }

  toJSON(): { code: ErrorCode; message: string; data?: unknown } {
    return this.data === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, data: this.data };
  }
}

export function isPsError(e: unknown, code?: ErrorCode): e is PsError {
  return e instanceof PsError && (code === undefined || e.code === code);
}

/**
 * A Node system error (errno code + syscall) that is the operator's to fix, as its catalog code: EADDRINUSE →
 * PORT_IN_USE, ENOENT → PATH_NOT_FOUND, EACCES/EPERM/EROFS → PERMISSION_DENIED, EEXIST/ENOTDIR/EISDIR →
 * PATH_CONFLICT. Undefined for anything else.
 */
export function systemError(e: unknown): PsError | undefined {
  if (!(e instanceof Error)) return undefined;
  const err = e as NodeJS.ErrnoException & { address?: string; port?: number; dest?: string };
  if (typeof err.code !== 'string' || typeof err.syscall !== 'string') return undefined;
  const where = `${err.syscall}${err.path ? ` '${err.path}'` : ''}${err.dest ? ` -> '${err.dest}'` : ''}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return new PsError('PORT_IN_USE', `${err.address ?? ''}${err.port !== undefined ? `:${err.port}` : ''} (${err.syscall})`, { cause: e });
    case 'ENOENT':
      return new PsError('PATH_NOT_FOUND', where, { cause: e });
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new PsError('PERMISSION_DENIED', `${where}${err.code === 'EROFS' ? ' (read-only file system)' : ''}`, { cause: e });
    case 'EEXIST':
    case 'ENOTDIR':
    case 'EISDIR':
      return new PsError('PATH_CONFLICT', `${where} (${err.code})`, { cause: e });
    default:
      return undefined;
  }
}

/** Wrap anything thrown into a PsError (unknown errors become INTERNAL, keeping the cause). */
export function toPsError(e: unknown): PsError {
  if (e instanceof PsError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new PsError('INTERNAL', msg, { cause: e });
}
