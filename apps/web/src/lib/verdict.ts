// The verdict view's measurements and what they say. The page measures (components/verdict); this
// turns one run's measurements into the cells of its table and into Markdown, so the view, its
// export and an imported run all read the same words from the same figures.
import { STRATEGIES, type StrategyName } from '@lab/contracts'
import type { ApiCall } from './api'
import { isRecord, markdownTable } from './export.ts'

export const VERDICT_SCHEMA = 'lab-verdict/1'

/** One response, as much of it as the verdict keeps. */
export interface Sample {
  status: number
  code: string | null
  /** store round trips, from the response's Server-Timing */
  redis: number
  pg: number
  /** each round trip's store and command, e.g. "Redis GET" */
  commands: string[]
  /** Server-Timing `auth` and `total`, in ms; null when the response had none */
  authMs: number | null
  totalMs: number | null
  /** measured in the browser, through the web origin */
  latencyMs: number
  replica: string | null
  /** when it was sent, in ms after the phase's reference moment (a logout, a pause) */
  atMs: number
}

export interface CostMeasure {
  login: Sample
  /** authenticated requests (`GET /me`) one after another */
  requests: Sample[]
}

export interface CredentialMeasure {
  /** the login body's members: an `accessToken` there is in the page's script */
  bodyFields: string[]
  tokenLength: number | null
  /** the token's `cnf.jkt`, as decoded from it: bound to a key the page holds but cannot export (DPoP); absent in older exports */
  boundToKey?: boolean
  /** the cookies the thief took from the traffic (names and sizes, never values) */
  cookies: Array<{ name: string; length: number }>
  /** those of them `document.cookie` shows to a script */
  scriptReadable: string[]
}

export interface TheftMeasure {
  /** the thief's replays from the web server, before logout */
  me: Sample
  admin: Sample
}

export interface RevocationMeasure {
  ttlSeconds: number
  logout: Sample
  /** the stolen credential's own exp, in ms after logout; null when it carries none */
  expiresInMs: number | null
  /** the thief's replays after logout, once a second, `atMs` after logout */
  replays: Sample[]
}

export interface OutageMeasure {
  pauseMs: number
  before: Sample
  /** `atMs` after the pause was confirmed */
  during: Sample[]
  after: Sample[]
}

export interface ReplicaMeasure {
  from: string
  to: string
  login: Sample
  other: Sample
}

export interface Problem {
  problem: string
}

/** null: not measured (yet); a problem: the measurement failed, and why. */
export type Measure<T> = T | Problem | null

export interface StrategyMeasures {
  cost: Measure<CostMeasure>
  credential: Measure<CredentialMeasure>
  theft: Measure<TheftMeasure>
  revocation: Measure<RevocationMeasure>
  redis: Measure<OutageMeasure>
  replica: Measure<ReplicaMeasure>
}

export interface VerdictRun {
  schema: typeof VERDICT_SCHEMA
  startedAt: string
  finishedAt: string | null
  /** the API replicas behind the load balancer; one name, or none, for a single process */
  replicas: string[]
  strategies: Record<StrategyName, StrategyMeasures>
}

export const EMPTY_MEASURES: StrategyMeasures = { cost: null, credential: null, theft: null, revocation: null, redis: null, replica: null }

export function emptyRun(replicas: string[], now = new Date()): VerdictRun {
  return {
    schema: VERDICT_SCHEMA,
    startedAt: now.toISOString(),
    finishedAt: null,
    replicas,
    strategies: Object.fromEntries(STRATEGIES.map((strategy) => [strategy, EMPTY_MEASURES])) as Record<StrategyName, StrategyMeasures>,
  }
}

/** A response as the verdict keeps it; `zero` is the phase's reference moment (epoch ms). */
export function sampleOf(call: ApiCall, zero: number): Sample {
  const stores = call.serverTiming.filter((entry) => entry.name === 'redis' || entry.name === 'pg')
  const duration = (name: string) => call.serverTiming.find((entry) => entry.name === name)?.dur ?? null
  return {
    status: call.status,
    code: call.errorCode,
    redis: stores.filter((entry) => entry.name === 'redis').length,
    pg: stores.filter((entry) => entry.name === 'pg').length,
    commands: stores.map((entry) => `${entry.name === 'pg' ? 'Postgres' : 'Redis'} ${entry.desc ?? '?'}`),
    authMs: duration('auth'),
    totalMs: duration('total'),
    latencyMs: call.latencyMs,
    replica: call.replica,
    atMs: call.startedAt - zero,
  }
}

/** The rows of the table: what is measured, and how. */
export const ASPECTS = [
  { key: 'trips', title: 'Round trips per authenticated request', how: 'GET /me ten times after a login; each response’s Server-Timing counts its Redis and Postgres round trips' },
  { key: 'auth', title: 'Server auth time', how: 'Server-Timing auth over the same ten requests (median, and the slowest); total is the whole request on the server' },
  { key: 'credential', title: 'Where the credential lives', how: 'the login’s body, the cookies the thief took from the traffic (names and sizes), and what document.cookie shows a script' },
  { key: 'theft', title: 'What a stolen one can do', how: 'the thief replays it from the web server, before logout: GET /me and GET /admin' },
  { key: 'logout', title: 'Logout: when a stolen credential stops working', how: 'a login with ?ttl=10, captured, logged out, then replayed by the thief every second until refused' },
  { key: 'redis', title: 'Redis paused', how: 'POST /api/lab/redis/pause (CLIENT PAUSE) while GET /me is sent every half second, then after it' },
  { key: 'postgres', title: 'Postgres down', how: 'not paused from this page: nothing here can stop Postgres (e2e/origin/store-faults.test.ts stops a real one in CI)' },
  { key: 'replica', title: 'A second replica', how: 'log in on one API replica, then ask another who it is (the request pinned with x-lab-replica)' },
] as const
export type AspectKey = (typeof ASPECTS)[number]['key']

/**
 * A cell of the table. `state` says where its words come from: measured in this run, inferred from
 * what this run measured (said so), not measured (and why), failed, or still to come. `tone`: good
 * (what protects, what keeps working), bad (an attacker's success, an outage felt), or neutral.
 */
export interface Cell {
  text: string
  detail: string
  state: 'measured' | 'inferred' | 'not measured' | 'failed' | 'pending'
  tone: 'good' | 'bad' | 'mixed' | 'neutral'
}

const PENDING: Cell = { text: '…', detail: 'not measured yet', state: 'pending', tone: 'neutral' }
const failed = ({ problem }: Problem): Cell => ({ text: 'failed', detail: problem, state: 'failed', tone: 'neutral' })
const isProblem = (value: unknown): value is Problem => isRecord(value) && typeof value.problem === 'string'

const ms = (value: number) => (value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0))
const s = (value: number) => `${(value / 1000).toFixed(1)} s`
const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`
const answer = (sample: Sample) => `${sample.status}${sample.code ? ` ${sample.code}` : ''}`

function median(values: number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

const perRequest = (total: number, count: number) => {
  const value = total / count
  return Number.isInteger(value) ? String(value) : value.toFixed(2)
}

function tripsCell(cost: CostMeasure): Cell {
  const { requests } = cost
  const redis = requests.reduce((sum, sample) => sum + sample.redis, 0)
  const pg = requests.reduce((sum, sample) => sum + sample.pg, 0)
  const ok = requests.filter((sample) => sample.status === 200).length
  const commands = [...new Set(requests.flatMap((sample) => sample.commands))]
  const stores = [redis ? `${perRequest(redis, requests.length)} Redis` : '', pg ? `${perRequest(pg, requests.length)} Postgres` : ''].filter(Boolean).join(' + ')
  const login = [cost.login.redis ? `${cost.login.redis} Redis` : '', cost.login.pg ? `${cost.login.pg} Postgres` : ''].filter(Boolean).join(' + ') || 'none'
  return {
    text: stores || '0',
    detail:
      `${plural(requests.length, 'request')} (${ok} answered 200): ${redis} Redis, ${pg} Postgres round trips` +
      `${commands.length ? ` (${commands.join(', ')})` : ''}; the login: ${login}`,
    state: 'measured',
    tone: 'neutral',
  }
}

function authCell(cost: CostMeasure): Cell {
  const auth = cost.requests.map((sample) => sample.authMs).filter((value) => value !== null)
  const total = cost.requests.map((sample) => sample.totalMs).filter((value) => value !== null)
  const browser = cost.requests.map((sample) => sample.latencyMs)
  const authMedian = median(auth)
  if (authMedian === null) return { text: 'no auth timing', detail: 'the responses carried no Server-Timing auth entry', state: 'failed', tone: 'neutral' }
  return {
    text: `${ms(authMedian)} ms`,
    detail:
      `median of ${auth.length}, the slowest ${ms(Math.max(...auth))} ms; the whole request on the server ${ms(median(total) ?? 0)} ms; ` +
      `in the browser, through the web origin, ${ms(median(browser) ?? 0)} ms`,
    state: 'measured',
    tone: 'neutral',
  }
}

function credentialCell(credential: CredentialMeasure): Cell {
  const cookies = credential.cookies.map(({ name, length }) => `${name} (${length} characters)`).join(' + ')
  if (credential.tokenLength !== null && credential.boundToKey) {
    return {
      text: 'in the page’s script, bound to its key',
      detail: `the login body carried accessToken (${credential.tokenLength} characters), which any script on the page can read; its cnf.jkt binds it to the browser’s non-extractable key, so it works only with a proof that key signs`,
      state: 'measured',
      tone: 'neutral',
    }
  }
  if (credential.tokenLength !== null) {
    return {
      text: 'in the page’s script',
      detail: `the login body carried accessToken (${credential.tokenLength} characters), which the page keeps and sends as a Bearer header: any script on the page can read it`,
      state: 'measured',
      tone: 'bad',
    }
  }
  const readable = credential.scriptReadable
  return {
    text: readable.length ? `a cookie a script can read: ${readable.join(', ')}` : 'HttpOnly cookies',
    detail:
      `${cookies || 'no cookie'}, taken by the thief from the traffic; the login body: ${credential.bodyFields.join(', ') || 'empty'}; ` +
      `document.cookie shows ${readable.length ? readable.join(', ') : 'none of them'}`,
    state: 'measured',
    tone: readable.length ? 'bad' : 'good',
  }
}

function theftCell(theft: TheftMeasure): Cell {
  const works = theft.me.status === 200
  return {
    text: works ? 'acts as alice from elsewhere' : `refused (${answer(theft.me)})`,
    detail: `the thief’s replay from the web server: /me ${answer(theft.me)}, /admin ${answer(theft.admin)} (alice is no admin)`,
    state: 'measured',
    tone: works ? 'bad' : 'good',
  }
}

function logoutCell(revocation: RevocationMeasure): Cell {
  const { replays, expiresInMs } = revocation
  const refused = replays.find((sample) => sample.status !== 200)
  const accepted = replays.filter((sample) => sample.status === 200)
  const lastAccepted = accepted.at(-1)
  const exp = expiresInMs === null ? '' : `; the stolen credential’s exp: ${s(expiresInMs)} after logout`
  const ttl = ` (login ?ttl=${revocation.ttlSeconds})`
  if (replays.length === 0) return { text: 'no replay', detail: `logout ${answer(revocation.logout)}; no replay was sent`, state: 'failed', tone: 'neutral' }
  if (refused && accepted.length === 0) {
    return {
      text: 'at once',
      detail: `the first replay, ${s(refused.atMs)} after logout, was refused: ${answer(refused)}`,
      state: 'measured',
      tone: 'good',
    }
  }
  if (refused && lastAccepted) {
    return {
      text: `after ${s(lastAccepted.atMs)}–${s(refused.atMs)}`,
      detail: `${plural(accepted.length, 'replay')} let in after logout, the last ${s(lastAccepted.atMs)} after it; the first refused at ${s(refused.atMs)}: ${answer(refused)}${exp}${ttl}`,
      state: 'measured',
      tone: 'bad',
    }
  }
  return {
    text: `not within ${s(lastAccepted?.atMs ?? 0)}`,
    detail: `all ${plural(accepted.length, 'replay')} after logout were let in; the run stopped replaying${exp}${ttl}`,
    state: 'measured',
    tone: 'bad',
  }
}

function redisCell(outage: OutageMeasure): Cell {
  const during = outage.during
  const ok = during.filter((sample) => sample.status === 200)
  const unavailable = during.filter((sample) => sample.status === 503)
  const storeless = ok.filter((sample) => sample.redis + sample.pg === 0).length
  const recovered = outage.after.some((sample) => sample.status === 200)
  const after = outage.after.length ? `; after the pause: ${outage.after.map(answer).join(', ')}` : ''
  const slowest = unavailable.length ? `, the slowest in ${ms(Math.max(...unavailable.map((sample) => sample.latencyMs)))} ms` : ''
  const pause = `during a ${s(outage.pauseMs)} pause: `
  if (during.length === 0) return { text: 'no probe', detail: 'no request was sent during the pause', state: 'failed', tone: 'neutral' }
  if (ok.length === during.length) {
    return {
      text: 'keeps answering',
      detail: `${pause}${ok.length} of ${during.length} answered 200, ${storeless === ok.length ? 'all without a store round trip' : `with ${[...new Set(ok.flatMap((sample) => sample.commands))].join(', ')}`}${after}`,
      state: 'measured',
      tone: 'good',
    }
  }
  const others = during.length - ok.length - unavailable.length
  return {
    text: ok.length === 0 && others === 0 ? `fails fast: 503${recovered ? ', then recovers' : ''}` : 'partly',
    detail:
      `${pause}${ok.length} answered 200, ${unavailable.length} 503 STORE_UNAVAILABLE${slowest}` +
      `${others ? `, ${others} other (${during.filter((sample) => sample.status !== 200 && sample.status !== 503).map(answer).join(', ')})` : ''}${after}`,
    state: 'measured',
    tone: ok.length === 0 ? 'bad' : 'mixed',
  }
}

function postgresCell(cost: CostMeasure): Cell {
  const pg = cost.requests.reduce((sum, sample) => sum + sample.pg, 0)
  const needs = pg > 0
  const each = perRequest(pg, cost.requests.length)
  // Neutral: an inference is not shown in the colours of what was seen.
  return {
    text: needs ? 'would fail' : 'logged-in users would keep going',
    detail:
      `Not measured: this page cannot stop Postgres. Inferred from this run: each authenticated request made ${each} Postgres round trip${each === '1' ? '' : 's'}, ` +
      `the login ${cost.login.pg}; so every login fails while Postgres is down${needs ? ', and so does every request' : ', while those logged in keep working'}.`,
    state: 'inferred',
    tone: 'neutral',
  }
}

function replicaCell(run: VerdictRun, replica: Measure<ReplicaMeasure>): Cell {
  if (run.replicas.length < 2) {
    const seen = STRATEGIES.map((strategy) => run.strategies[strategy].cost)
      .flatMap((cost) => (cost && !isProblem(cost) ? cost.requests : []))
      .find((sample) => sample.replica)?.replica
    return {
      text: 'one API process',
      detail: `This lab runs a single API process${seen ? ` (${seen})` : ''}. Start two behind nginx with pnpm demo --replicas 2 (or docker compose up), then run again.`,
      state: 'not measured',
      tone: 'neutral',
    }
  }
  if (replica === null) return PENDING
  if (isProblem(replica)) return failed(replica)
  const survives = replica.other.status === 200
  return {
    text: survives ? `still alice on ${replica.to}` : `lost on ${replica.to}`,
    detail: `login on ${replica.login.replica ?? replica.from}: ${answer(replica.login)}; GET /me on ${replica.other.replica ?? replica.to}: ${answer(replica.other)}`,
    state: 'measured',
    tone: survives ? 'good' : 'bad',
  }
}

function measured<T>(value: Measure<T>, cell: (value: T) => Cell): Cell {
  if (value === null) return PENDING
  if (isProblem(value)) return failed(value)
  return cell(value)
}

/** Every cell of the table, from one run's measurements. */
export function cellsOf(run: VerdictRun): Record<AspectKey, Record<StrategyName, Cell>> {
  const row = (cell: (measures: StrategyMeasures) => Cell) =>
    Object.fromEntries(STRATEGIES.map((strategy) => [strategy, cell(run.strategies[strategy])])) as Record<StrategyName, Cell>
  return {
    trips: row((m) => measured(m.cost, tripsCell)),
    auth: row((m) => measured(m.cost, authCell)),
    credential: row((m) => measured(m.credential, credentialCell)),
    theft: row((m) => measured(m.theft, theftCell)),
    logout: row((m) => measured(m.revocation, logoutCell)),
    redis: row((m) => measured(m.redis, redisCell)),
    postgres: row((m) => measured(m.cost, postgresCell)),
    replica: row((m) => replicaCell(run, m.replica)),
  }
}

/** Each strategy's trade-off in one line, from its measured cells. */
export function summaryOf(cells: Record<AspectKey, Record<StrategyName, Cell>>, strategy: StrategyName): string {
  const c = (key: AspectKey) => cells[key][strategy]
  const used = [c('trips'), c('credential'), c('logout'), c('redis')]
  if (used.some((cell) => cell.state !== 'measured')) return used.some((cell) => cell.state === 'pending') ? '…' : 'not measured in full'
  const trips = c('trips').text === '0' ? 'no store round trip' : `${c('trips').text} round trip`
  const logout = c('logout').tone === 'good' ? 'logout shuts a thief out at once' : `a stolen credential outlives logout (${c('logout').text})`
  const redis = c('redis').tone === 'good' ? 'rides out a Redis pause' : c('redis').tone === 'bad' ? 'stops while Redis is paused' : 'partly stops while Redis is paused'
  return `${trips} per request; credential ${c('credential').text === 'HttpOnly cookies' ? 'in HttpOnly cookies' : c('credential').text}; ${logout}; ${redis}`
}

/** The run as Markdown: the table, what each row measured, and the cells' details. */
export function verdictMarkdown(run: VerdictRun): string {
  const cells = cellsOf(run)
  const label = (cell: Cell) => (cell.state === 'measured' ? cell.text : cell.state === 'pending' ? 'not measured' : `${cell.text} [${cell.state}]`)
  const lines = [
    '# Verdict: each strategy, measured in one run',
    '',
    `Run on ${run.startedAt.slice(0, 19).replace('T', ' ')} UTC${run.finishedAt ? `, finished ${run.finishedAt.slice(11, 19)}` : ' (unfinished)'}, ` +
      `against ${run.replicas.length > 1 ? `${run.replicas.length} API replicas (${run.replicas.join(', ')})` : 'one API process'}. ` +
      'Every cell was measured in this run by the lab’s web page against the real API, Redis and Postgres; a cell that was not says so.',
    '',
    markdownTable(['', ...STRATEGIES], [
      ...ASPECTS.map((aspect) => [aspect.title, ...STRATEGIES.map((strategy) => label(cells[aspect.key][strategy]))]),
      ['In one line', ...STRATEGIES.map((strategy) => summaryOf(cells, strategy))],
    ]),
    '',
    '## How each row was measured',
    '',
    ...ASPECTS.map((aspect) => `- **${aspect.title}**: ${aspect.how}.`),
    '',
    '## The figures behind each cell',
    '',
    markdownTable(['', ...STRATEGIES], ASPECTS.map((aspect) => [aspect.title, ...STRATEGIES.map((strategy) => cells[aspect.key][strategy].detail)])),
    '',
  ]
  return lines.join('\n')
}

/** An imported verdict run, checked enough to be shown, or null. */
export function asVerdictRun(data: unknown): VerdictRun | null {
  if (!isRecord(data) || data.schema !== VERDICT_SCHEMA || typeof data.startedAt !== 'string' || !Array.isArray(data.replicas)) return null
  const strategies = data.strategies
  if (!isRecord(strategies) || !STRATEGIES.every((strategy) => isRecord(strategies[strategy]))) return null
  return data as unknown as VerdictRun
}
