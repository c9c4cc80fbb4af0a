import assert from 'node:assert/strict'
import { createHmac, randomBytes } from 'node:crypto'
import { test } from 'node:test'
import type { FastifyInstance, HTTPMethods, LightMyRequestResponse } from 'fastify'
import { Signer } from '@fastify/cookie'
import fc from 'fast-check'
import { ERROR_CODES, REFRESH_COOKIE, SESSION_COOKIE, STRATEGIES, TOKEN_STRATEGIES } from '@lab/contracts'
import { ALICE, buildApp, login, type Credential } from './helpers.ts'

/** Per property; each run sends its input to every route, so one property is about 20 requests × NUM_RUNS. */
const NUM_RUNS = 150

interface Route {
  method: 'GET' | 'POST'
  url: string
}

const ROUTES: Route[] = [
  ...STRATEGIES.flatMap((s): Route[] => [
    { method: 'POST', url: `/api/${s}/login` },
    { method: 'GET', url: `/api/${s}/me` },
    { method: 'GET', url: `/api/${s}/admin` },
    { method: 'POST', url: `/api/${s}/logout` },
  ]),
  ...TOKEN_STRATEGIES.map((s): Route => ({ method: 'POST', url: `/api/${s}/refresh` })),
  { method: 'GET', url: '/api/health' },
]

const ERROR_KEYS = ['code', 'error', 'message', 'statusCode']
const LIBRARY_TEXT = /fast-jwt|FAST_JWT|FST_|ajv|at \w+ \(|node_modules|redis:\/\/|postgres:\/\/|ECONNREFUSED|SyntaxError/i

/** Never a 5xx; every error is exactly { statusCode, code, error, message } with a code of the contract. */
function assertWellBehaved(response: LightMyRequestResponse, method: string, url: string) {
  const where = `${method} ${url} → ${response.statusCode} ${response.body.slice(0, 300)}`
  assert.ok(response.statusCode < 500, where)
  if (response.statusCode < 400 || method === 'HEAD') return
  const body = response.json<Record<string, unknown>>()
  assert.deepEqual(Object.keys(body).sort(), ERROR_KEYS, where)
  assert.equal(body.statusCode, response.statusCode, where)
  assert.ok((ERROR_CODES as readonly unknown[]).includes(body.code), where)
  assert.equal(typeof body.error, 'string', where)
  assert.equal(typeof body.message, 'string', where)
  assert.doesNotMatch(body.message as string, LIBRARY_TEXT, where)
}

/** What a client can put in a header value: tab, visible ASCII, space and obs-text (0x80–0xFF). */
const headerChar = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.constant('\t') },
)
const headerText = (maxLength = 200) => fc.string({ unit: headerChar, maxLength })
const base64url = (maxLength = 80) => fc.base64String({ maxLength }).map((s) => s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'))
const b64json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const hs256 = (key: string | Buffer, input: string) => createHmac('sha256', key).update(input).digest('base64url')

/** Claims the API issues, and arbitrary values in their place. */
const claims = fc.record(
  {
    iss: fc.oneof(fc.constant('session-vs-jwt-lab'), fc.jsonValue()),
    aud: fc.oneof(fc.constantFrom('session-vs-jwt-lab:jwt', 'session-vs-jwt-lab:jwt-denylist'), fc.jsonValue()),
    sub: fc.oneof(fc.uuid(), fc.jsonValue()),
    jti: fc.oneof(fc.uuid(), fc.jsonValue()),
    sid: fc.oneof(fc.uuid(), fc.jsonValue()),
    username: fc.oneof(fc.constant('alice'), fc.jsonValue()),
    role: fc.oneof(fc.constantFrom('user', 'admin'), fc.jsonValue()),
    iat: fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.jsonValue()),
    exp: fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.jsonValue()),
    nbf: fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.jsonValue()),
  },
  { requiredKeys: [] },
)
const jwtHeader = fc.oneof(
  fc.record({ alg: fc.constantFrom('HS256', 'HS384', 'none', 'NoNe', 'RS256', 'ES256', 'EdDSA'), typ: fc.constant('JWT') }),
  fc.record(
    { alg: fc.jsonValue(), typ: fc.jsonValue(), kid: fc.jsonValue(), jku: fc.webUrl(), crit: fc.jsonValue(), b64: fc.boolean() },
    { requiredKeys: [] },
  ),
  fc.jsonValue(),
)

/**
 * Authorization headers: any text, `Bearer` plus random base64url triples, and JWTs with random
 * headers and payloads signed with a wrong key, unsigned, or (`withKey`) signed with the real one.
 */
function authorization(secret: string) {
  const scheme = fc.constantFrom('Bearer ', 'bearer ', 'BEARER  ', 'Bearer', 'Basic ', 'Token ', '')
  const segments = fc.tuple(base64url(), base64url(), base64url()).map((parts) => parts.join('.'))
  const signed = fc
    .tuple(jwtHeader, fc.oneof(claims, fc.jsonValue()), fc.oneof(fc.constant(secret), fc.string()), fc.constantFrom('hmac', 'empty', 'junk'))
    .map(([header, payload, key, signature]) => {
      const input = `${b64json(header)}.${b64json(payload)}`
      if (signature === 'empty') return `${input}.`
      return `${input}.${signature === 'hmac' ? hs256(key, input) : randomBytes(32).toString('base64url')}`
    })
  return fc.oneof(
    headerText(),
    fc.tuple(scheme, segments).map(([s, token]) => s + token),
    fc.tuple(scheme, signed).map(([s, token]) => s + token),
    fc.tuple(scheme, fc.integer({ min: 4000, max: 9000 })).map(([s, n]) => s + 'a'.repeat(n)),
  )
}

/** Cookie headers: random pairs, our cookie names with random, signed-looking, truly signed and oversized values, duplicates. */
function cookieHeader(sessionSecret: string, valid: Record<string, string>) {
  const signer = new Signer(sessionSecret, 'sha256')
  const name = fc.oneof(
    fc.constantFrom('sid', 'sid_pg', REFRESH_COOKIE, 'SID', 'sid ', ' rt', '__proto__', 'constructor'),
    fc.string({ unit: fc.constantFrom(...'abcxyz_-.$!%'), minLength: 1, maxLength: 12 }),
  )
  const value = fc.oneof(
    headerText(100).map((v) => v.replace(/;/g, '')),
    fc.tuple(base64url(40), base64url(43)).map(([id, sig]) => `${id}.${sig}`),
    fc.string({ maxLength: 40 }).map((id) => encodeURIComponent(signer.sign(id))),
    fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '""', '"unterminated', '', 's:abc.def', '.', '..'),
    fc.integer({ min: 4000, max: 12_000 }).map((n) => 'x'.repeat(n)),
    fc.constantFrom(...Object.values(valid)),
  )
  return fc
    .tuple(fc.array(fc.tuple(name, value), { minLength: 1, maxLength: 6 }), fc.constantFrom('; ', ';', ', ', ';;  '))
    .map(([pairs, separator]) => pairs.map(([n, v]) => `${n}=${v}`).join(separator))
}

/** A JSON body (often login-shaped) or not JSON at all, with a content type that may or may not say so. */
const body = fc.record({
  contentType: fc.oneof(
    fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=utf-16',
      'Application/JSON',
      'application/vnd.api+json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
    ),
    headerText(60),
  ),
  payload: fc.oneof(
    fc.json(),
    fc.record({ username: fc.jsonValue(), password: fc.jsonValue() }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
    fc.record({ username: fc.string({ maxLength: 300 }), password: fc.string({ maxLength: 300 }) }).map((v) => JSON.stringify(v)),
    fc.constantFrom('{"__proto__":{"role":"admin"}}', '{"constructor":{"prototype":{}}}', '{"username":"alice","password":"alice-password","x":1}'),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.integer({ min: 16 * 1024, max: 40 * 1024 }).map((n) => JSON.stringify({ username: 'alice', password: 'p'.repeat(n) })),
    fc.constant(''),
  ),
})

function send(fastify: FastifyInstance, route: Route, headers: Record<string, string>, remoteAddress: string, payload?: string) {
  return fastify.inject({ method: route.method, url: route.url, headers, remoteAddress, ...(payload === undefined ? {} : { payload }) })
}

/** Valid credentials of every kind, to mix into the arbitrary ones (duplicates, wrong route). */
async function validCookies(fastify: FastifyInstance): Promise<Record<string, string>> {
  const cookies: Credential['cookies'] = {}
  for (const strategy of STRATEGIES) Object.assign(cookies, (await login(fastify, strategy)).credential.cookies)
  assert.ok(cookies[SESSION_COOKIE.session] && cookies[SESSION_COOKIE['session-pg']] && cookies[REFRESH_COOKIE])
  return cookies
}

/** Login bodies: mostly refused before the password hash (argon2 costs ~30 ms), sometimes a real login. */
const loginBody = (realLogins: number) =>
  fc.oneof({ weight: 15, arbitrary: fc.constantFrom(undefined, '{}') }, { weight: realLogins, arbitrary: fc.constant(JSON.stringify(ALICE)) })

test('arbitrary Authorization headers on every route: never a 5xx, always the error format', async (t) => {
  const jwtSecret = randomBytes(32).toString('base64url')
  const fastify = await buildApp(t, { jwtSecret, loginRateLimit: 1_000_000 })
  await fc.assert(
    fc.asyncProperty(authorization(jwtSecret), fc.ipV4(), loginBody(0), async (header, remoteAddress, payload) => {
      const responses = await Promise.all(
        ROUTES.map((route) => send(fastify, route, { authorization: header, 'content-type': 'application/json' }, remoteAddress, route.method === 'POST' ? payload : undefined)),
      )
      responses.forEach((response, i) => assertWellBehaved(response, ROUTES[i]!.method, ROUTES[i]!.url))
    }),
    { numRuns: NUM_RUNS },
  )
})

test('arbitrary Cookie headers on every route: never a 5xx, always the error format', async (t) => {
  const sessionSecret = randomBytes(32).toString('base64url')
  const fastify = await buildApp(t, { sessionSecret, loginRateLimit: 1_000_000 })
  const valid = await validCookies(fastify)
  await fc.assert(
    fc.asyncProperty(cookieHeader(sessionSecret, valid), fc.ipV4(), loginBody(1), async (cookie, remoteAddress, payload) => {
      const responses = await Promise.all(
        ROUTES.map((route) => send(fastify, route, { cookie, 'content-type': 'application/json' }, remoteAddress, route.method === 'POST' ? payload : undefined)),
      )
      responses.forEach((response, i) => assertWellBehaved(response, ROUTES[i]!.method, ROUTES[i]!.url))
    }),
    { numRuns: NUM_RUNS },
  )
})

test('arbitrary bodies and content types on every route: never a 5xx, always the error format', async (t) => {
  const fastify = await buildApp(t, { loginRateLimit: 1_000_000 })
  await fc.assert(
    fc.asyncProperty(body, fc.ipV4(), async ({ contentType, payload }, remoteAddress) => {
      const responses = await Promise.all(ROUTES.map((route) => send(fastify, route, { 'content-type': contentType }, remoteAddress, payload)))
      responses.forEach((response, i) => assertWellBehaved(response, ROUTES[i]!.method, ROUTES[i]!.url))
    }),
    { numRuns: NUM_RUNS },
  )
})

test('arbitrary methods, paths and query strings under /api: never a 5xx, always the error format', async (t) => {
  const fastify = await buildApp(t, { loginRateLimit: 1_000_000 })
  const segment = fc.oneof(
    fc.constantFrom(...STRATEGIES, 'login', 'me', 'admin', 'logout', 'refresh', 'health', '..', '.', '', '%', '%zz', '%00', '%2F'),
    fc.webSegment(),
    headerText(20).map((s) => s.replace(/[\s#?]/g, '')),
  )
  const request = fc.record({
    method: fc.constantFrom<HTTPMethods>('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
    path: fc.array(segment, { minLength: 1, maxLength: 4 }).map((segments) => `/api/${segments.join('/')}`),
    query: fc.oneof(fc.constant(''), fc.webQueryParameters().map((q) => `?${q}`), headerText(40).map((q) => `?${q.replace(/[\s#]/g, '')}`)),
    // What the CSRF check and proxy trust read.
    headers: fc.record(
      {
        origin: fc.oneof(fc.webUrl(), fc.constantFrom('null', 'http://localhost', 'http://localhost:80'), headerText(40)),
        'sec-fetch-site': fc.oneof(fc.constantFrom('same-origin', 'same-site', 'cross-site', 'none'), headerText(20)),
        host: fc.oneof(fc.webAuthority(), headerText(40)),
        'x-forwarded-for': fc.oneof(fc.ipV4(), headerText(40)),
        'x-forwarded-host': headerText(40),
      },
      { requiredKeys: [] },
    ),
  })
  await fc.assert(
    // The live record stream never ends by design: it is the one route a request-response check cannot cover.
    fc.asyncProperty(request.filter(({ path }) => !path.startsWith('/api/records')), fc.ipV4(), async ({ method, path, query, headers }, remoteAddress) => {
      const response = await fastify.inject({ method, url: path + query, headers, remoteAddress })
      assertWellBehaved(response, method, path + query)
    }),
    {
      numRuns: NUM_RUNS * 4,
      examples: [
        [{ method: 'GET', path: '/api/%', query: '', headers: {} }, '127.0.0.1'],
        [{ method: 'POST', path: '/api/jwt/%zz', query: '?%', headers: {} }, '127.0.0.1'],
      ],
    },
  )
})
