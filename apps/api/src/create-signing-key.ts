// `node dist/create-signing-key.js FILE`: writes a new Ed25519 signing key (PKCS#8 PEM, mode 0600) to
// FILE unless FILE already holds one, which it keeps. docker-compose runs it once, as its `keys`
// service, before the API replicas, which all read that file (JWT_PRIVATE_KEY_FILE): one key for every
// replica, no private key in .env, and the same key after `docker compose down` and `up` again.
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { link, readFile, unlink, writeFile } from 'node:fs/promises'
import { ed25519PemProblem } from './ed25519-pem.ts'

class KeyFileError extends Error {}

/** 'kept' when `file` already holds an Ed25519 key; throws KeyFileError when it holds anything else, which it never overwrites. */
async function createSigningKey(file: string): Promise<'created' | 'kept'> {
  const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw new KeyFileError(`cannot read ${file} (${error.code ?? 'error'})`)
  })
  if (existing !== undefined) {
    const problem = ed25519PemProblem(existing, file)
    if (problem !== null) throw new KeyFileError(problem)
    return 'kept'
  }
  // Written aside under a name no other run uses (in a container this process is always PID 1), then
  // linked into place: link never replaces a file, so a reader never sees half a key, and of two runs
  // at once the first key stays and the second keeps it. A run cut short leaves at most its own aside.
  const pending = `${file}.${randomUUID()}.pending`
  try {
    await writeFile(pending, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' })
    await link(pending, file)
    return 'created'
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    return createSigningKey(file)
  } finally {
    await unlink(pending).catch(() => {})
  }
}

const file = process.argv[2]
if (!file) {
  console.error('usage: node dist/create-signing-key.js FILE')
  process.exit(2)
}
try {
  console.log(`signing key: ${await createSigningKey(file)} ${file}`)
} catch (error) {
  console.error(`signing key: ${(error as Error).message}`)
  process.exit(1)
}
