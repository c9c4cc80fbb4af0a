// `node dist/create-signing-key.js FILE`: writes a new Ed25519 signing key (PKCS#8 PEM, mode 0600) to
// FILE unless FILE already holds one, which it keeps. docker-compose runs it once, as its `keys`
// service, before the API replicas, which all read that file (JWT_PRIVATE_KEY_FILE): one key for every
// replica, no private key in .env, and the same key after `docker compose down` and `up` again.
import { generateKeyPairSync } from 'node:crypto'
import { link, readFile, unlink, writeFile } from 'node:fs/promises'
import { checkEd25519Pem, ConfigError } from './config.ts'

/** 'kept' when `file` already holds an Ed25519 key; throws ConfigError when it holds anything else, which it never overwrites. */
async function createSigningKey(file: string): Promise<'created' | 'kept'> {
  const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw new ConfigError(`cannot read ${file} (${error.code ?? 'error'})`)
  })
  if (existing !== undefined) {
    checkEd25519Pem(existing, file)
    return 'kept'
  }
  // Written aside, then linked into place: link never replaces a file, so a reader never sees half a
  // key, and of two runs at once the first key stays and the second run keeps it.
  const pending = `${file}.${process.pid}.pending`
  await writeFile(pending, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' })
  try {
    await link(pending, file)
    return 'created'
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    return createSigningKey(file)
  } finally {
    await unlink(pending)
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
