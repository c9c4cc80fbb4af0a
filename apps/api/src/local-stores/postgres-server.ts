import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort } from './free-port.ts'

const run = promisify(execFile)

/** Debian's server binaries; Postgres refuses to run as root, so as root they run as user `postgres`. */
const POSTGRES_BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin'

/** util-linux's runuser lives in /usr/sbin, which a minimal PATH (CI's, cron's) may lack. */
const RUNUSER = existsSync('/usr/sbin/runuser') ? '/usr/sbin/runuser' : 'runuser'

function asPostgres(binary: string, args: string[]) {
  const command = join(POSTGRES_BIN, binary)
  return process.getuid?.() === 0 ? run(RUNUSER, ['-u', 'postgres', '--', command, ...args]) : run(command, args)
}

/** A Postgres server of a test's own: crash it, freeze it, start it again on the same data and port. */
export interface PostgresServer {
  url: string
  /** stops it (even frozen) and removes its data */
  stop(): Promise<void>
  /** `pg_ctl stop -m immediate`: every backend quits at once, without a checkpoint, as in a crash */
  crash(): Promise<void>
  /** starts again on the same data directory and port, running crash recovery first */
  start(): Promise<void>
  /** SIGSTOP to the postmaster and its backends: connections stay open and nothing answers (a hung server) */
  pause(): Promise<void>
  resume(): Promise<void>
}

/**
 * initdb and pg_ctl of Debian's PostgreSQL in a fresh temporary directory, on a free port, trust auth,
 * fsync off (the data survives a crashed server, not a crashed machine): for tests that kill the
 * store under traffic, never the machine's own server.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const base = await mkdtemp(join(tmpdir(), 'lab-pg-'))
  const data = join(base, 'data')
  const signalAll = async (signal: NodeJS.Signals) => {
    const postmaster = Number((await readFile(join(data, 'postmaster.pid'), 'utf8')).split('\n')[0])
    const { stdout } = await run('pgrep', ['-P', String(postmaster)])
    for (const pid of [postmaster, ...stdout.split('\n').filter(Boolean).map(Number)]) process.kill(pid, signal)
  }
  const stop = async () => {
    await signalAll('SIGCONT').catch(() => {}) // a paused server would not hear the stop
    await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']).catch(() => {})
    await rm(base, { recursive: true, force: true })
  }
  if (process.getuid?.() === 0) await run('chown', ['postgres:', base])
  await asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync'])
  const port = await freePort()
  // The log goes to a file: a postmaster holding pg_ctl's stdout open would keep execFile waiting forever.
  const start = async () => {
    await asPostgres('pg_ctl', [
      '-D', data, '-l', join(base, 'postgres.log'), '-w',
      '-o', `-p ${port} -k ${base} -c listen_addresses=127.0.0.1 -c fsync=off`,
      'start',
    ])
  }
  await start()
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    start,
    crash: async () => {
      await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', 'stop'])
    },
    pause: () => signalAll('SIGSTOP'),
    resume: () => signalAll('SIGCONT'),
  }
}
