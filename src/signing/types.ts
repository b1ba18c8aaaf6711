// Key types shared by the signing module's files (a file of their own so keyring.ts does not import index.ts).

export interface KeyInfo {
  /** Primary key fingerprint, upper-case hex (40 chars for v4 keys). */
  fingerprint: string;
  /** Primary key id, upper-case hex (16 chars). */
  keyId: string;
  userIds: string[];
  /** e.g. `ed25519`, `rsa4096`, `ecdsa-nistP256`. */
  algorithm: string;
  created: Date;
  /** When the key expires (per its newest self-signature); undefined if it never does. */
  expires?: Date;
  /** The key carries a revocation signature valid now. */
  revoked: boolean;
  armoredPublic: string;
}

export interface TrustedKey {
  key: KeyInfo;
  /** Signatures made (or checked) before this instant are refused (SIGNATURE_KEY_EXPIRED). */
  notBefore?: Date;
  /** Signatures made (or checked) at or after this instant are refused (SIGNATURE_KEY_EXPIRED). */
  notAfter?: Date;
  /** Revoked by the keyring's sidecar (SIGNATURE_KEY_REVOKED for every signature). */
  revoked?: boolean;
  /** Why, from the sidecar. */
  reason?: string;
}
