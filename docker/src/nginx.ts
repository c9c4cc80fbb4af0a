import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

/** One API replica as the load balancer sees it. */
export interface Replica {
  /** its REPLICA_NAME, also the value of X-Lab-Replica that pins a request to it */
  name: string
  /** host:port nginx connects to */
  address: string
}

export const TEMPLATE = fileURLToPath(new URL('../nginx/lab.conf.template', import.meta.url))
/** The rendering docker-compose mounts into the nginx container (see render-compose-nginx.ts). */
export const COMPOSE_CONF = fileURLToPath(new URL('../nginx/conf.d/lab.conf', import.meta.url))

const NAME = /^[A-Za-z0-9._-]+$/

/** The load balancer's configuration for these replicas, from the one template both topologies use. */
export async function renderLabConf({ listen, replicas }: { listen: string; replicas: Replica[] }): Promise<string> {
  if (replicas.length === 0) throw new Error('at least one replica')
  for (const { name, address } of replicas) {
    // Names end up inside nginx directives and a JSON string: nothing that could break out of either.
    if (!NAME.test(name) || !/^[A-Za-z0-9.-]+:\d+$/.test(address)) throw new Error(`unusable replica ${name} at ${address}`)
  }
  const values: Record<string, string> = {
    listen,
    servers: replicas.map(({ address }) => `    server ${address};`).join('\n'),
    replica_upstreams: replicas.map(({ name, address }) => `upstream replica-${name} {\n    server ${address};\n}\n`).join(''),
    replica_map: replicas.map(({ name }) => `    ${name} replica-${name};`).join('\n'),
    replicas_json: JSON.stringify({ replicas: replicas.map(({ name }) => name) }),
  }
  const template = await readFile(TEMPLATE, 'utf8')
  return template.replace(/\{\{(\w+)\}\}/g, (marker, key: string) => {
    const value = values[key]
    if (value === undefined) throw new Error(`the template has an unknown marker ${marker}`)
    return value
  })
}

/** Debian installs nginx in /usr/sbin, which is not on a normal user's PATH. */
export function nginxBinary(): string {
  if (process.env.NGINX_BIN) return process.env.NGINX_BIN
  for (const dir of (process.env.PATH ?? '').split(':').concat('/usr/sbin', '/usr/local/sbin', '/opt/homebrew/bin')) {
    if (dir && existsSync(join(dir, 'nginx'))) return join(dir, 'nginx')
  }
  throw new Error('nginx is not installed (Debian/Ubuntu: apt-get install nginx; macOS: brew install nginx), or set NGINX_BIN')
}

export interface RunningNginx {
  url: string
  /** resolves when nginx exits, whoever stopped it */
  exited: Promise<void>
  stop(): Promise<void>
}

/**
 * Runs nginx in the foreground with the lab's configuration on 127.0.0.1:port, everything it writes
 * (pid, temp files) in a temporary directory, so it needs no root and leaves nothing behind.
 */
export async function startNginx({ port, replicas }: { port: number; replicas: Replica[] }): Promise<RunningNginx> {
  const dir = await mkdtemp(join(tmpdir(), 'lab-nginx-'))
  await mkdir(join(dir, 'temp'))
  await writeFile(join(dir, 'lab.conf'), await renderLabConf({ listen: `127.0.0.1:${port}`, replicas }))
  await writeFile(
    join(dir, 'nginx.conf'),
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${join(dir, 'nginx.pid')};`,
      'error_log stderr warn;',
      'events { worker_connections 1024; }',
      'http {',
      '    access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `    ${kind}_temp_path ${join(dir, 'temp', kind)};`),
      `    include ${join(dir, 'lab.conf')};`,
      '}',
      '',
    ].join('\n'),
  )
  const child = spawn(nginxBinary(), ['-e', 'stderr', '-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'inherit', 'inherit'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const cleanup = exited.then(() => rm(dir, { recursive: true, force: true }))
  child.once('error', () => {}) // a missing binary was ruled out above; `exited` reports the rest
  const url = `http://127.0.0.1:${port}`
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`nginx exited with code ${child.exitCode} at start`)
    const ok = await fetch(`${url}/healthz`).then((response) => response.ok, () => false)
    if (ok) break
    if (attempt === 100) {
      child.kill('SIGTERM')
      throw new Error('nginx did not answer within 5 s')
    }
    await sleep(50)
  }
  return {
    url,
    exited,
    async stop() {
      // SIGTERM, not a graceful SIGQUIT: that would wait for the live record streams, which never end.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await cleanup
    },
  }
}
