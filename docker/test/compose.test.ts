import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { DCLinter } from 'dclint'
import { ConfigError, loadConfig } from '@lab/api/config'
import { COMPOSE_CONF, COMPOSE_FILE, composeReplicas, readCompose, renderComposeConf } from '../src/compose.ts'

const run = promisify(execFile)
const ENV_EXAMPLE = fileURLToPath(new URL('../../.env.example', import.meta.url))

/** Rules about layout and ordering only; everything else dclint knows (and its schema check) stays on. */
const STYLE_ONLY = [
  'services-alphabetical-order',
  'service-keys-order',
  'service-dependencies-alphabetical-order',
  'service-ports-alphabetical-order',
  'top-level-properties-order',
  'require-quotes-in-ports',
  'no-quotes-in-volumes',
  // a top-level `name` is required by this rule and refused by docker-compose v1 (checked below)
  'require-project-name-field',
]

async function envExample(): Promise<Record<string, string>> {
  const entries = (await readFile(ENV_EXAMPLE, 'utf8'))
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string])
  return Object.fromEntries(entries)
}

test('dclint finds docker-compose.yml valid against the compose-spec schema, with no error', () => {
  const linter = new DCLinter({ rules: Object.fromEntries(STYLE_ONLY.map((rule) => [rule, 0])), quiet: true, debug: false, exclude: [] })
  const [result] = linter.lintFiles([COMPOSE_FILE], false)
  assert.ok(result)
  assert.deepEqual(result.messages.map((message: { rule: string; message: string }) => `${message.rule}: ${message.message}`), [])
})

test('docker-compose (v1, Debian) parses the file and resolves every variable from .env.example', async (t) => {
  // Not on PATH: `npm test` (scripts/lab.mjs) installs it as root on Debian (apt-get install docker-compose).
  const binary = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].find((path) => existsSync(path))
  assert.ok(binary, 'docker-compose v1 is not installed (`npm test` installs it as root on Debian: apt-get install docker-compose)')
  // Only the env file configures it here, not whatever this shell exports.
  const compose = (envFile: string, ...command: string[]) =>
    run(binary, ['--env-file', envFile, '-f', COMPOSE_FILE, ...command], { env: { PATH: process.env.PATH } })
  await compose(ENV_EXAMPLE, 'config', '-q')
  const { stdout } = await compose(ENV_EXAMPLE, 'config', '--services')
  assert.deepEqual(stdout.trim().split('\n').sort(), ['api-1', 'api-2', 'keys', 'nginx', 'orders', 'postgres', 'redis', 'web'])

  // Without the secrets compose refuses to start, rather than run replicas that disagree on them.
  const dir = await mkdtemp(join(tmpdir(), 'lab-compose-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  await writeFile(join(dir, '.env'), '')
  await assert.rejects(compose(join(dir, '.env'), 'config', '-q'), /set (JWT_SECRET|SESSION_SECRET|POSTGRES_PASSWORD) in \.env/)
})

test('every service but the one-shot keys has a healthcheck and waits for the healthy services (and the finished keys) it depends on', async () => {
  const { services } = await readCompose()
  for (const [name, service] of Object.entries(services)) {
    if (name !== 'keys') assert.ok(service.healthcheck && !service.healthcheck.disable, `${name} has a healthcheck`)
    const dependsOn = service.depends_on ?? {}
    assert.ok(!Array.isArray(dependsOn), `${name}: depends_on names a condition`)
    for (const [dependency, { condition }] of Object.entries(dependsOn)) {
      assert.equal(condition, dependency === 'keys' ? 'service_completed_successfully' : 'service_healthy', `${name} waits for ${dependency}`)
    }
  }
  assert.deepEqual(Object.keys(services.web?.depends_on ?? {}), ['nginx', 'orders'])
  assert.deepEqual(Object.keys(services.orders?.depends_on ?? {}), ['nginx', 'redis'])
  assert.deepEqual(Object.keys(services.nginx?.depends_on ?? {}).sort(), ['api-1', 'api-2'])
})

test('only the web port is published, and the stores keep their data in named volumes', async () => {
  const compose = await readCompose()
  const published = Object.entries(compose.services).filter(([, service]) => service.ports?.length)
  assert.deepEqual(published.map(([name]) => name), ['web'])
  assert.deepEqual(compose.services.web?.ports, ['${WEB_BIND:-127.0.0.1}:${WEB_PORT:-3000}:3000'])
  const named = Object.keys(compose.volumes ?? {})
  for (const store of ['postgres', 'redis']) {
    const volume = compose.services[store]?.volumes?.[0]?.split(':')[0]
    assert.ok(volume && named.includes(volume), `${store} uses a named volume`)
  }
})

test('the API runs as two replicas with the same secrets from .env, behind nginx whose upstreams list them', async () => {
  const compose = await readCompose()
  const replicas = composeReplicas(compose)
  assert.deepEqual(replicas, [
    { name: 'api-1', address: 'api-1:4000' },
    { name: 'api-2', address: 'api-2:4000' },
  ])
  const [one, two] = ['api-1', 'api-2'].map((name) => compose.services[name]?.environment ?? {})
  for (const secret of ['JWT_SECRET', 'SESSION_SECRET']) {
    assert.match(String(one?.[secret]), new RegExp(`^\\$\\{${secret}:\\?`), `${secret} comes from .env and is required`)
    assert.equal(one?.[secret], two?.[secret])
  }
  assert.equal(one?.LAB_PROFILE, '${LAB_PROFILE:-demo}')
  assert.equal(compose.services.web?.environment?.API_URL, 'http://nginx:8080')
  assert.equal(compose.services.web?.environment?.ORDERS_URL, 'http://orders:4001')
  // The orders service reaches the API through nginx, JWKS included, and holds no secret of the API's.
  assert.equal(compose.services.orders?.environment?.API_URL, 'http://nginx:8080')
  for (const secret of ['JWT_SECRET', 'JWT_PRIVATE_KEY', 'JWT_PRIVATE_KEY_FILE', 'SESSION_SECRET']) assert.equal(compose.services.orders?.environment?.[secret], undefined, secret)
  // The web lab hides the demo-only views unless it runs in the API's profile.
  assert.equal(compose.services.web?.environment?.LAB_PROFILE, one?.LAB_PROFILE)

  const conf = await readFile(COMPOSE_CONF, 'utf8')
  assert.equal(conf, await renderComposeConf(compose), 'docker/nginx/conf.d/lab.conf is stale: pnpm --filter @lab/docker render')
  assert.match(conf, /upstream api \{\n {4}server api-1:4000;\n {4}server api-2:4000;/)
  assert.match(conf, /listen 8080;/)
  assert.match(conf, /location = \/\.well-known\/jwks\.json \{\n {8}proxy_pass http:\/\/api;/)
})

test('the replicas sign with one EdDSA key, written once by the keys service before they start, which only they read', async () => {
  const compose = await readCompose()
  const { keys } = compose.services
  assert.ok(keys?.build && !keys.healthcheck)
  assert.deepEqual(keys.build, compose.services['api-1']?.build, 'the API image runs it')
  const [command, script, file] = keys.command ?? []
  assert.equal(`${command} ${script}`, 'node dist/create-signing-key.js')
  const volume = keys.volumes?.[0]?.split(':')[0] as string
  assert.deepEqual(keys.volumes, [`${volume}:${dirname(file as string)}`])
  assert.ok(Object.keys(compose.volumes ?? {}).includes(volume), 'a named volume: the key outlives the containers')
  for (const name of ['api-1', 'api-2']) {
    const service = compose.services[name]
    assert.equal(service?.environment?.JWT_ALGORITHM, '${JWT_ALGORITHM:-EdDSA}', name)
    assert.equal(service?.environment?.JWT_PRIVATE_KEY_FILE, file, name)
    // Empty unless .env still sets one, which then stops the API (config: not both) instead of being ignored.
    assert.equal(service?.environment?.JWT_PRIVATE_KEY, '${JWT_PRIVATE_KEY:-}', name)
    assert.deepEqual(service?.volumes, [`${volume}:${dirname(file as string)}:ro`], `${name} reads it, read-only`)
  }
  for (const [name, service] of Object.entries(compose.services)) {
    if (!['keys', 'api-1', 'api-2'].includes(name)) assert.ok(!service.volumes?.some((mount) => mount.startsWith(`${volume}:`)), `${name} never sees the key`)
  }
  // The image makes the mount point the unprivileged user's, which a new volume takes on: the keys service can write.
  assert.match(await readFile(new URL('../../apps/api/Dockerfile', import.meta.url), 'utf8'), new RegExp(`RUN mkdir -p ${dirname(file as string)} && chown node:node ${dirname(file as string)}\nUSER node`))
})

test('.env.example sets every variable compose requires, and its secrets only pass in the demo profile', async () => {
  const example = await envExample()
  const required = new Set([...(await readFile(COMPOSE_FILE, 'utf8')).matchAll(/\$\{(\w+):\?/g)].map((match) => match[1] as string))
  assert.deepEqual([...required].sort(), ['JWT_SECRET', 'POSTGRES_PASSWORD', 'SESSION_SECRET'])
  for (const name of required) assert.ok(example[name], `.env.example sets ${name}`)

  const fromExample = { JWT_SECRET: example.JWT_SECRET, SESSION_SECRET: example.SESSION_SECRET }
  assert.equal(loadConfig({ ...fromExample, LAB_PROFILE: 'demo' }).generatedSecrets.length, 0)
  assert.throws(() => loadConfig({ ...fromExample, LAB_PROFILE: 'production' }), ConfigError)
  assert.match(await readFile(new URL('../../.gitignore', import.meta.url), 'utf8'), /^\.env$/m)
})
