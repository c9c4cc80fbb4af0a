import { createPrivateKey } from 'node:crypto'

/** Why `pem` is not an Ed25519 private key (naming it by `source`), or null when it is one. */
export function ed25519PemProblem(pem: string, source: string): string | null {
  let type: string | undefined
  try {
    type = createPrivateKey(pem).asymmetricKeyType
  } catch {
    return `${source} is not a readable PEM private key.`
  }
  return type === 'ed25519' ? null : `${source} must be an Ed25519 key, not ${type ?? 'unknown'}.`
}
