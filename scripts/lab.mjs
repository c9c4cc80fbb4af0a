// Every root script runs through here (package.json: "demo": "node scripts/lab.mjs demo"), so that on a
// machine with nothing but Node ≥ 20 and npm, `npm run demo` and `npm test` work, and `pnpm <script>`
// does the same once pnpm is on PATH. First it makes sure of what the script needs, installing only
// what is missing (when everything is there, each check is a file lookup):
//   - Node ≥ 24.9 (MINIMUM_NODE): when the machine's is older, Node 24 LTS from the npm registry's node-<os>-<cpu>
//     package, in .tools/node; once there it is used for good, so node_modules always meets one Node;
//   - pnpm, the version package.json's `packageManager` pins, in .tools/pnpm;
//   - the Debian packages the script needs (as root, with apt-get; otherwise it says what to install);
//   - node_modules, by `pnpm install --frozen-lockfile` unless it was installed from this pnpm-lock.yaml.
// Then it runs the script's commands in order, without a shell, under that Node, with .tools/bin
// (node and pnpm) and node_modules/.bin first on PATH; they never run a root script, so nothing
// comes back here. Plain JavaScript: it starts on the machine's Node, which may be too old for TypeScript.
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const NODE_VERSION = '24.21.0'

/** Each root script: its commands, in order (the script's arguments go to the last), and its Debian packages. */
export const SCRIPTS = {
  build: { run: ['turbo run build'] },
  demo: { run: ['turbo run build', 'node scripts/demo.ts'], debian: ['redis-server'] },
  api: { run: ['turbo run build --filter=@lab/api', 'node apps/api/dist/server.js'], debian: ['redis-server'] },
  bench: {
    // the API under test and the web origin the bench puts in front of it
    run: ['turbo run build --filter=@lab/api --filter=@lab/web --output-logs=errors-only', 'node packages/bench/src/cli.ts'],
    debian: ['redis-server'],
  },
  workshop: { run: ['node workshop/src/cli.ts'] },
  lint: { run: ['eslint .'] },
  typecheck: { run: ['turbo run typecheck'] },
  test: {
    run: ['eslint .', 'node --test scripts/*.test.mjs', 'turbo run typecheck test'],
    // Playwright drives Debian's Chromium; the replicas tests run nginx; docker-compose v1 parses docker-compose.yml
    debian: ['redis-server', 'chromium', 'nginx', 'docker-compose'],
  },
}

/** The Debian packages `script` needs with these arguments: `demo --replicas N` puts nginx in front of the APIs. */
export function debianPackages(script, args) {
  const packages = SCRIPTS[script].debian ?? []
  const replicas = script === 'demo' && args.some((arg) => arg === '--replicas' || arg.startsWith('--replicas='))
  return replicas ? [...packages, 'nginx'] : packages
}

function isOnPath(file, { env = process.env, exists = existsSync, extra = [] } = {}) {
  return (env.PATH ?? '').split(delimiter).concat(extra).some((dir) => dir !== '' && exists(join(dir, file)))
}

/** Whether a Debian package is there, looked up where the lab's own code looks for it. */
export function hasPackage(name, { env = process.env, exists = existsSync } = {}) {
  const onPath = (file, extra = []) => isOnPath(file, { env, exists, extra })
  switch (name) {
    case 'redis-server':
      return onPath('redis-server')
    case 'chromium': // e2e/playwright.config.ts
      return exists(env.CHROMIUM_PATH ?? '/usr/bin/chromium')
    case 'nginx': // docker/src/nginx.ts: Debian puts it in /usr/sbin, off a normal user's PATH
      return env.NGINX_BIN !== undefined ? exists(env.NGINX_BIN) : onPath('nginx', ['/usr/sbin', '/usr/local/sbin'])
    case 'docker-compose': // docker/test/compose.test.ts
      return exists('/usr/bin/docker-compose') || exists('/usr/local/bin/docker-compose')
    default:
      throw new Error(`no check for the Debian package ${name}`)
  }
}

/**
 * What to do about the missing packages: nothing, one apt-get install (as root where apt-get exists),
 * or a hint for the person at the keyboard (the script still runs: e.g. a Redis may answer on 6379).
 */
export function debianStep(missing, { asRoot, apt }) {
  if (missing.length === 0) return { kind: 'none' }
  if (asRoot && apt) return { kind: 'apt-get', packages: missing }
  return { kind: 'hint', message: `lab: please install ${missing.join(', ')} (Debian/Ubuntu: sudo apt-get install ${missing.join(' ')})` }
}

/**
 * The oldest Node the lab runs on: its TypeScript runs as it is (type stripping, unflagged since 22.18
 * and 23.6), and the web origin answers protocol upgrades itself (http's shouldUpgradeCallback, 24.9),
 * which an older Node ignores, leaving such sockets open and unanswered.
 */
export const MINIMUM_NODE = [24, 9]

/** Which Node runs the lab: the one in .tools when it is the pinned version, else the machine's when ≥ MINIMUM_NODE. */
export function nodeChoice(machineVersion, toolsVersion) {
  if (toolsVersion === NODE_VERSION) return 'tools'
  const [major, minor] = machineVersion.split('.').map(Number)
  const recentEnough = major > MINIMUM_NODE[0] || (major === MINIMUM_NODE[0] && minor >= MINIMUM_NODE[1])
  if (toolsVersion === undefined && recentEnough) return 'machine'
  return 'install'
}

/** Where the bootstrap notes which lockfile node_modules was installed from (a digest of pnpm-lock.yaml). */
const INSTALLED_FROM = join('node_modules', '.lab-installed-from')

function lockfileDigest(root) {
  try {
    return createHash('sha256').update(readFileSync(join(root, 'pnpm-lock.yaml'))).digest('hex')
  } catch {
    return 'no lockfile'
  }
}

/** node_modules is current when its last install by the bootstrap was from this very lockfile. */
export function installIsCurrent(root) {
  try {
    return readFileSync(join(root, INSTALLED_FROM), 'utf8') === lockfileDigest(root)
  } catch {
    return false
  }
}

export function noteInstall(root) {
  writeFileSync(join(root, INSTALLED_FROM), lockfileDigest(root))
}

function versionOf(packageDir) {
  try {
    return JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version
  } catch {
    return undefined
  }
}

function say(message) {
  console.error(`lab: ${message}`)
}

/** Runs a setup step to its end; a failed step ends the bootstrap with its status. */
function mustRun(command, args, options) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options })
  if (result.error) {
    say(`${command} could not start (${result.error.message})`)
    process.exit(1)
  }
  if (result.status !== 0) process.exit(result.status ?? 1)
}

/** `npm install` of one registry package into `prefix`, with npm's own configuration, not its run's. */
function npmInstall(prefix, spec, env, extra = []) {
  mustRun('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', ...extra, '--prefix', prefix, spec], { env })
}

function link(bin, name, target) {
  const path = join(bin, name)
  let current
  try {
    current = readlinkSync(path)
  } catch {
    current = undefined
  }
  if (current === target) return
  rmSync(path, { force: true })
  symlinkSync(target, path)
}

/** Makes sure of Node, pnpm, the Debian packages and node_modules; returns the environment to run in. */
function prepare(root, script, args) {
  const tools = join(root, '.tools')
  const bin = join(tools, 'bin')
  // npm's run puts its own Node 20 paths in npm_* variables (npm_config_nodedir, npm_node_execpath, NODE, …);
  // dropping them makes `npm run x` and `pnpm x` run the same, and node-gyp build for the Node below.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'NODE'))
  env.PATH = [join(root, 'node_modules', '.bin'), bin, process.env.PATH].join(delimiter)
  env.NEXT_TELEMETRY_DISABLED ??= '1'
  env.TURBO_TELEMETRY_DISABLED ??= '1'
  env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD ??= '1'
  mkdirSync(bin, { recursive: true })

  const nodePackage = join(tools, 'node', 'node_modules', `node-${process.platform}-${process.arch}`)
  let node = process.execPath
  const choice = nodeChoice(process.versions.node, versionOf(nodePackage))
  if (choice === 'machine') rmSync(join(bin, 'node'), { force: true })
  else {
    if (choice === 'install') {
      say(`installing Node ${NODE_VERSION} into .tools/ (this machine has ${process.version})`)
      npmInstall(join(tools, 'node'), `node-${process.platform}-${process.arch}@${NODE_VERSION}`, env)
    }
    node = join(nodePackage, 'bin', 'node')
    link(bin, 'node', node)
    // native addons built by node-gyp need this Node's headers, not the machine's
    env.npm_config_nodedir = nodePackage
  }

  const pnpmVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.replace(/^pnpm@/, '')
  // On Linux x64, pnpm's own binary package: the `pnpm` package first looks up its optional packages for
  // every other platform, which a registry mirror may not carry (minutes of retries).
  const linuxX64 = process.platform === 'linux' && process.arch === 'x64'
  const pnpmPackage = linuxX64
    ? join(tools, 'pnpm', 'node_modules', '@pnpm', 'exe.linux-x64')
    : join(tools, 'pnpm', 'lib', 'node_modules', 'pnpm')
  if (versionOf(pnpmPackage) !== pnpmVersion) {
    say(`installing pnpm ${pnpmVersion} into .tools/`)
    if (linuxX64) npmInstall(join(tools, 'pnpm'), `@pnpm/exe.linux-x64@${pnpmVersion}`, env)
    else npmInstall(join(tools, 'pnpm'), `pnpm@${pnpmVersion}`, env, ['--global'])
  }
  link(bin, 'pnpm', linuxX64 ? join(pnpmPackage, 'pnpm') : join(tools, 'pnpm', 'bin', 'pnpm'))

  const missing = debianPackages(script, args).filter((name) => !hasPackage(name, { env }))
  const step = debianStep(missing, { asRoot: process.getuid?.() === 0, apt: isOnPath('apt-get', { env }) })
  if (step.kind === 'apt-get') {
    say(`installing Debian packages: ${step.packages.join(' ')}`)
    const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' }
    mustRun('apt-get', ['update', '-qq'], { env: aptEnv })
    mustRun('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...step.packages], { env: aptEnv, stdio: ['inherit', 'ignore', 'inherit'] })
  } else if (step.kind === 'hint') {
    console.error(step.message)
  }

  if (!installIsCurrent(root)) {
    say('pnpm install --frozen-lockfile')
    mustRun(join(bin, 'pnpm'), ['install', '--frozen-lockfile'], { cwd: root, env })
    noteInstall(root)
  }
  return { env, node }
}

/** Set once a signal came: no further command of the script starts. */
let interrupted = false

/**
 * Runs one command to its end, as a shell does: Ctrl-C reaches it from the terminal (npm's and pnpm's
 * process group), so SIGINT is not sent again, only remembered; SIGTERM and SIGHUP, sent to this
 * process alone, go on to it. Its end is reported as is.
 */
function runCommand(argv, { cwd, env, node }) {
  const [command, ...args] = argv
  const child = spawn(command === 'node' ? node : command, args, { cwd, env, stdio: 'inherit' })
  const onSignal = (signal) => {
    interrupted = true
    if (signal !== 'SIGINT') child.kill(signal)
  }
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP']
  for (const signal of signals) process.on(signal, onSignal)
  return new Promise((resolve) => {
    child.on('error', (error) => {
      say(`${command} could not start (${error.message})`)
      resolve({ code: 1, signal: null })
    })
    child.on('exit', (code, signal) => {
      for (const signal of signals) process.off(signal, onSignal)
      resolve({ code, signal })
    })
  })
}

async function main() {
  const [script, ...args] = process.argv.slice(2)
  if (!Object.hasOwn(SCRIPTS, script ?? '')) {
    say(`usage: node scripts/lab.mjs <${Object.keys(SCRIPTS).join('|')}> [arguments]`)
    process.exit(2)
  }
  const root = fileURLToPath(new URL('..', import.meta.url))
  const { env, node } = prepare(root, script, args)
  const commands = SCRIPTS[script].run.map((line) => line.split(' '))
  commands[commands.length - 1].push(...args)
  for (const argv of commands) {
    const { code, signal } = await runCommand(argv, { cwd: root, env, node })
    // ended by a signal: end the same way, so whoever started us sees it (npm, a shell, CI)
    if (signal) return process.kill(process.pid, signal)
    // a command that stopped cleanly on Ctrl-C (the demo does) ends the script, not just its step
    if (code !== 0 || interrupted) process.exit(code ?? 1)
  }
}

// imported by its tests: only the functions above
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await main()
