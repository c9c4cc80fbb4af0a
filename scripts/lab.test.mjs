import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { debianPackages, debianStep, hasPackage, installIsCurrent, nodeChoice, noteInstall, NODE_VERSION, SCRIPTS } from './lab.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const lab = join(root, 'scripts', 'lab.mjs')

test('every root script goes through the bootstrap under its own name, and none runs a root script again', () => {
  const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  assert.deepEqual(scripts, Object.fromEntries(Object.keys(SCRIPTS).map((name) => [name, `node scripts/lab.mjs ${name}`])))
  for (const { run } of Object.values(SCRIPTS)) {
    for (const line of run) assert.doesNotMatch(line, /^(pnpm|npm|npx|corepack)\b/, line)
  }
})

test('Node: the machine’s when ≥ 24.9, else the pinned one installed into .tools, which is then kept', () => {
  assert.equal(nodeChoice('20.20.2', undefined), 'install')
  assert.equal(nodeChoice('20.20.2', NODE_VERSION), 'tools')
  assert.equal(nodeChoice('20.20.2', '24.1.0'), 'install')
  assert.equal(nodeChoice('22.22.0', undefined), 'install')
  assert.equal(nodeChoice('24.8.0', undefined), 'install')
  assert.equal(nodeChoice('24.9.0', undefined), 'machine')
  assert.equal(nodeChoice('25.1.0', undefined), 'machine')
  assert.equal(nodeChoice('24.0.0', NODE_VERSION), 'tools')
})

test('Debian packages: the test suite’s four in one apt-get on a bare machine as root', () => {
  const bare = { env: { PATH: '/usr/local/bin:/usr/bin:/bin' }, exists: () => false }
  const missing = debianPackages('test', []).filter((name) => !hasPackage(name, bare))
  assert.deepEqual(debianStep(missing, { asRoot: true, apt: true }), {
    kind: 'apt-get',
    packages: ['redis-server', 'chromium', 'nginx', 'docker-compose'],
  })
  assert.equal(debianStep(missing, { asRoot: false, apt: true }).kind, 'hint')
  assert.match(debianStep(missing, { asRoot: true, apt: false }).message, /apt-get install redis-server chromium nginx docker-compose/)
})

test('Debian packages: the demo needs redis-server, and nginx with --replicas; build needs none', () => {
  assert.deepEqual(debianPackages('demo', []), ['redis-server'])
  assert.deepEqual(debianPackages('demo', ['--replicas', '2']), ['redis-server', 'nginx'])
  assert.deepEqual(debianPackages('demo', ['--replicas=3']), ['redis-server', 'nginx'])
  assert.deepEqual(debianPackages('build', []), [])
})

test('Debian packages are found where the lab looks for them, and nothing is installed when all are there', () => {
  const files = new Set(['/usr/bin/redis-server', '/usr/bin/chromium', '/usr/sbin/nginx', '/usr/bin/docker-compose'])
  const machine = { env: { PATH: '/usr/bin:/bin' }, exists: (path) => files.has(path) }
  // nginx in /usr/sbin, off PATH, as Debian installs it for a non-root user
  const missing = debianPackages('test', []).filter((name) => !hasPackage(name, machine))
  assert.deepEqual(debianStep(missing, { asRoot: true, apt: true }), { kind: 'none' })
  assert.equal(hasPackage('chromium', { env: { CHROMIUM_PATH: '/opt/chrome' }, exists: (path) => files.has(path) }), false)
})

test('node_modules is reinstalled when missing or installed from another lockfile', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-install-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\n")
  assert.equal(installIsCurrent(dir), false)
  mkdirSync(join(dir, 'node_modules'))
  assert.equal(installIsCurrent(dir), false)
  noteInstall(dir)
  assert.equal(installIsCurrent(dir), true)
  writeFileSync(join(dir, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\nimporters: {}\n")
  assert.equal(installIsCurrent(dir), false)
})

test('the bootstrap ends with its command’s exit code, and refuses an unknown script', () => {
  const run = (...args) => spawnSync(process.execPath, [lab, ...args], { cwd: root, encoding: 'utf8' })
  const listed = run('workshop', 'list')
  assert.equal(listed.status, 0, listed.stderr)
  assert.match(listed.stdout, /01/)
  assert.equal(run('workshop', 'no-such-command').status, 2)
  const unknown = run('deploy')
  assert.equal(unknown.status, 2)
  assert.match(unknown.stderr, /usage: node scripts\/lab\.mjs <build\|demo/)
})
