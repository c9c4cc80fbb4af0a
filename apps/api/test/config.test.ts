import assert from 'node:assert/strict'
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto'
import { execFile, spawnSync } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { ConfigError, loadConfig, redactUrl } from '../src/config.ts'

const run = promisify(execFile)
const strong = () => randomBytes(32).toString('base64url')

test('outside the demo profile a missing secret stops the API with a message saying how to set one', () => {
  assert.throws(() => loadConfig({ SESSION_SECRET: strong() }), (error: unknown) => {
    assert.ok(error instanceof ConfigError)
    assert.match(error.message, /JWT_SECRET is not set.*openssl rand/)
    return true
  })
})

test('outside the demo profile short or repetitive secrets are refused', () => {
  for (const weak of ['secret', 'a'.repeat(64), 'secretsecretsecretsecretsecretsecret']) {
    assert.throws(() => loadConfig({ JWT_SECRET: weak, SESSION_SECRET: strong() }), ConfigError, weak)
    assert.throws(() => loadConfig({ JWT_SECRET: strong(), SESSION_SECRET: weak }), ConfigError, weak)
  }
})

test('outside the demo profile a secret must be able to hold 128 bits: 32 random digits cannot, 32 hex characters can', () => {
  const digits = Array.from(randomBytes(32), (byte) => String(byte % 10)).join('')
  assert.throws(() => loadConfig({ JWT_SECRET: digits, SESSION_SECRET: strong() }), /128 bits/)
  // A fixed one: zxcvbn may find a word such as "dead" or "beef" in some random hex strings.
  const hex = createHash('sha256').update('a fixed 128-bit secret').digest('hex').slice(0, 32)
  assert.equal(loadConfig({ JWT_SECRET: hex, SESSION_SECRET: strong() }).jwtSecret, hex)
})

test('outside the demo profile a secret made of words is refused, however long', () => {
  for (const phrase of ['my-super-secret-jwt-key-for-production', 'correct-horse-battery-staple-for-jwt', 'changeme-changeme-please-1234567890']) {
    assert.throws(() => loadConfig({ JWT_SECRET: phrase, SESSION_SECRET: strong() }), /words or patterns/, phrase)
  }
})

test('the two secrets must differ, and demo accounts need the demo profile', () => {
  const same = strong()
  assert.throws(() => loadConfig({ JWT_SECRET: same, SESSION_SECRET: same }), /must all differ/)
  assert.throws(() => loadConfig({ JWT_SECRET: same, SESSION_SECRET: strong(), SESSION_SECRET_PREVIOUS: same }), /must all differ/)
  assert.throws(() => loadConfig({ JWT_SECRET: strong(), SESSION_SECRET: strong(), SEED_DEMO_USERS: 'true' }), /public/)
  assert.equal(loadConfig({ LAB_PROFILE: 'demo', SEED_DEMO_USERS: 'true' }).seedDemoUsers, true)
})

test('the demo profile generates missing secrets, says so, and seeds the demo users', () => {
  const config = loadConfig({ LAB_PROFILE: 'demo' })
  assert.deepEqual(config.generatedSecrets, ['JWT_SECRET', 'SESSION_SECRET'])
  assert.ok(Buffer.from(config.jwtSecret, 'base64url').length >= 32)
  assert.notEqual(config.jwtSecret, config.sessionSecret)
  assert.equal(config.seedDemoUsers, true)
  assert.equal(loadConfig({ JWT_SECRET: strong(), SESSION_SECRET: strong() }).seedDemoUsers, false)
})

test('numbers and URLs are validated once, at start', () => {
  const secrets = { JWT_SECRET: strong(), SESSION_SECRET: strong() }
  const config = loadConfig({ ...secrets, PORT: '4100', ACCESS_TOKEN_TTL: '5' })
  assert.deepEqual([config.port, config.accessTokenTtl, config.refreshTokenTtl], [4100, 5, 7 * 24 * 3600])
  for (const bad of [{ PORT: 'eighty' }, { ACCESS_TOKEN_TTL: '0' }, { DATABASE_URL: 'mysql://x' }, { REDIS_URL: 'http://x' }, { LAB_PROFILE: 'staging' }]) {
    assert.throws(() => loadConfig({ ...secrets, ...bad }), ConfigError, JSON.stringify(bad))
  }
})

test('store URLs are logged without their password', () => {
  assert.equal(redactUrl('postgres://lab:hunter2@db:5432/lab'), 'postgres://lab:***@db:5432/lab')
  assert.equal(redactUrl('redis://127.0.0.1:6379'), 'redis://127.0.0.1:6379')
})

test('EdDSA needs an Ed25519 private key outside the demo profile, and the demo profile generates one', () => {
  const base = { JWT_ALGORITHM: 'EdDSA', SESSION_SECRET: strong() }
  assert.throws(() => loadConfig(base), /JWT_PRIVATE_KEY/)
  assert.throws(() => loadConfig({ ...base, JWT_PRIVATE_KEY: 'not a key' }), /not a readable PEM/)
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
  assert.throws(() => loadConfig({ ...base, JWT_PRIVATE_KEY: rsa }), /must be an Ed25519 key, not rsa/)
  const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
  assert.equal(loadConfig({ ...base, JWT_PRIVATE_KEY: ed }).jwtPrivateKey, ed)
  const demo = loadConfig({ JWT_ALGORITHM: 'EdDSA', LAB_PROFILE: 'demo' })
  assert.match(demo.jwtPrivateKey ?? '', /BEGIN PRIVATE KEY/)
  assert.deepEqual(demo.generatedSecrets, ['JWT_PRIVATE_KEY', 'SESSION_SECRET'])
})

test('JWT_PRIVATE_KEY_FILE: the key read from a file, as compose gives every replica the one its keys service wrote', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lab-key-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'jwt-ed25519.pem')
  const script = fileURLToPath(new URL('../src/create-signing-key.ts', import.meta.url))
  const create = () => spawnSync(process.execPath, [script, file], { encoding: 'utf8' })

  const first = create()
  assert.equal(first.status, 0, first.stderr)
  assert.equal(first.stdout.trim(), `signing key: created ${file}`)
  const pem = await readFile(file, 'utf8')
  assert.equal((await stat(file)).mode & 0o777, 0o600, 'only its owner reads the key')
  // A second run (compose up again) keeps the key: tokens signed before stay valid.
  assert.equal(create().stdout.trim(), `signing key: kept ${file}`)
  assert.equal(await readFile(file, 'utf8'), pem)
  assert.deepEqual(await readdir(dir), ['jwt-ed25519.pem'], 'nothing left beside it')
  // Two at once (a `docker compose run keys` beside the service's own run): one key, which both report.
  const raced = join(dir, 'raced.pem')
  const both = await Promise.all([0, 1].map(() => run(process.execPath, [script, raced], { encoding: 'utf8' })))
  assert.deepEqual(both.map(({ stdout }) => stdout.trim().split(' ')[2]).sort(), ['created', 'kept'])
  await rm(raced)
  // What a run killed mid-write leaves beside the key (in a container it was PID 1 too) does not stop the next one.
  const interrupted = join(dir, 'interrupted.pem')
  await writeFile(`${interrupted}.1.pending`, 'half a key')
  assert.equal(spawnSync(process.execPath, [script, interrupted], { encoding: 'utf8' }).stdout.trim(), `signing key: created ${interrupted}`)
  await rm(interrupted)
  await rm(`${interrupted}.1.pending`)

  const base = { JWT_ALGORITHM: 'EdDSA', SESSION_SECRET: strong(), JWT_PRIVATE_KEY_FILE: file }
  assert.equal(loadConfig(base).jwtPrivateKey, pem)
  assert.deepEqual(loadConfig({ JWT_ALGORITHM: 'EdDSA', JWT_PRIVATE_KEY_FILE: file, LAB_PROFILE: 'demo' }).generatedSecrets, ['SESSION_SECRET'], 'a key from a file is not generated')
  assert.throws(() => loadConfig({ ...base, JWT_PRIVATE_KEY: pem }), /JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE, not both/)
  assert.equal(loadConfig({ ...base, JWT_PRIVATE_KEY: '' }).jwtPrivateKey, pem, 'compose passes an empty JWT_PRIVATE_KEY beside the file')
  assert.throws(() => loadConfig({ ...base, JWT_PRIVATE_KEY_FILE: join(dir, 'missing.pem') }), /cannot read .*missing\.pem \(ENOENT\)/)
  // HS256 needs no key: the file is not read.
  assert.equal(loadConfig({ ...base, JWT_ALGORITHM: 'HS256', JWT_SECRET: strong() }).jwtPrivateKey, undefined)

  // Anything else in its place is refused, and never overwritten.
  await writeFile(file, 'not a key')
  const refused = create()
  assert.equal(refused.status, 1)
  assert.match(refused.stderr, /is not a readable PEM private key/)
  assert.equal(await readFile(file, 'utf8'), 'not a key')
  assert.throws(() => loadConfig(base), /JWT_PRIVATE_KEY_FILE \(.*\) is not a readable PEM private key/)
})
