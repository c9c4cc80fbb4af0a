import assert from 'node:assert/strict'
import { createHmac, randomBytes, randomUUID } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { COMMON_JWT_SECRETS, RANGE_ATTACKS, RANGE_MARKER, RANGE_MARKER_HEADER, type RangeAttack } from '@lab/contracts'
import { buildApp } from './helpers.ts'

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const hs256 = (header: object, claims: object, secret: string | Buffer) => {
  const input = `${b64({ ...header, alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`
}

/** Claims shaped exactly like the real API's access tokens, so only the signature can make it refuse them. */
function adminClaims() {
  const iat = Math.floor(Date.now() / 1000)
  return {
    sub: randomUUID(), jti: randomUUID(), sid: randomUUID(), username: 'admin', role: 'admin',
    iss: 'session-vs-jwt-lab', aud: 'session-vs-jwt-lab:jwt', iat, exp: iat + 300,
  }
}

const get = (fastify: FastifyInstance, url: string, token?: string) =>
  fastify.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} })

async function sampleToken(fastify: FastifyInstance, attack: RangeAttack): Promise<string> {
  const response = await get(fastify, `/api/range/${attack}/token`)
  assert.equal(response.statusCode, 200, response.body)
  return response.json<{ token: string }>().token
}

/** What an attacker does against each target, using only what the range publishes. */
const forgers: Record<RangeAttack, (fastify: FastifyInstance) => Promise<string>> = {
  none: async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(adminClaims())}.`,
  'weak-secret': async (fastify) => {
    const [header, claims, signature] = (await sampleToken(fastify, 'weak-secret')).split('.') as [string, string, string]
    const secret = COMMON_JWT_SECRETS.find((guess) => createHmac('sha256', guess).update(`${header}.${claims}`).digest('base64url') === signature)
    assert.ok(secret !== undefined, 'the captured token was signed with a word of the list')
    return hs256({}, adminClaims(), secret)
  },
  kid: async () => hs256({ kid: '../../../dev/null' }, adminClaims(), ''),
  'alg-confusion': async (fastify) => {
    const { publicKey } = (await get(fastify, '/api/range/alg-confusion/public-key')).json<{ publicKey: string }>()
    return hs256({}, adminClaims(), publicKey)
  },
}

test('the range does not exist outside the demo profile', async (t) => {
  const fastify = await buildApp(t, { profile: 'production' })
  const urls = ['/api/range', '/api/range/alg-confusion/public-key', ...RANGE_ATTACKS.flatMap((a) => [`/api/range/${a}/token`, `/api/range/${a}/me`, `/api/range/${a}/admin`])]
  for (const url of urls) {
    const response = await get(fastify, url, await forgers.none(fastify))
    assert.equal(response.statusCode, 404, url)
    assert.equal(response.json().code, 'NOT_FOUND', url)
    assert.equal(response.headers[RANGE_MARKER_HEADER], undefined, url)
  }
})

test('every range response, success or error, is marked as deliberately vulnerable', async (t) => {
  const fastify = await buildApp(t, { profile: 'demo' })
  const index = await get(fastify, '/api/range')
  assert.equal(index.statusCode, 200)
  assert.deepEqual(index.json().attacks.map((a: { name: string }) => a.name), [...RANGE_ATTACKS])
  assert.match(index.json().warning, /DELIBERATELY VULNERABLE/)
  for (const [url, status] of [['/api/range', 200], ['/api/range/none/me', 401], ['/api/range/kid/token', 200], ['/api/range/nope/me', 404]] as const) {
    const response = await get(fastify, url)
    assert.equal(response.statusCode, status, url)
    assert.equal(response.headers[RANGE_MARKER_HEADER], RANGE_MARKER, url)
  }
  assert.equal((await get(fastify, '/api/health')).headers[RANGE_MARKER_HEADER], undefined, 'the real API is not marked')
})

test("each target's own guest token works there and is a plain user, not an admin", async (t) => {
  const fastify = await buildApp(t, { profile: 'demo' })
  for (const attack of RANGE_ATTACKS) {
    const token = await sampleToken(fastify, attack)
    const me = await get(fastify, `/api/range/${attack}/me`, token)
    assert.equal(me.statusCode, 200, `${attack}: ${me.body}`)
    assert.deepEqual(me.json().user, { username: 'guest', role: 'user' }, attack)
    assert.equal((await get(fastify, `/api/range/${attack}/admin`, token)).statusCode, 403, attack)
    assert.equal((await get(fastify, '/api/jwt/me', token)).statusCode, 401, `${attack}: a range token is not a real token`)
  }
})

test('without its one flaw each target refuses: a well-formed token with an unknown secret, a tampered token, an expired one', async (t) => {
  const fastify = await buildApp(t, { profile: 'demo' })
  for (const attack of RANGE_ATTACKS) {
    const unknownSecret = hs256({ kid: '2025-a.key' }, adminClaims(), randomBytes(32))
    assert.equal((await get(fastify, `/api/range/${attack}/admin`, unknownSecret)).statusCode, 401, `${attack}: unknown secret`)
    const [header, , signature] = (await sampleToken(fastify, attack)).split('.')
    const tampered = `${header}.${b64(adminClaims())}.${signature}`
    assert.equal((await get(fastify, `/api/range/${attack}/admin`, tampered)).statusCode, 401, `${attack}: tampered claims`)
    const expired = await forgers[attack](fastify)
    const [h, , s] = expired.split('.')
    const expiredClaims = { ...adminClaims(), exp: Math.floor(Date.now() / 1000) - 10 }
    assert.equal((await get(fastify, `/api/range/${attack}/admin`, `${h}.${b64(expiredClaims)}.${s}`)).statusCode, 401, `${attack}: expired`)
  }
})

for (const attack of RANGE_ATTACKS) {
  test(`${attack}: the forged admin token succeeds against the range and is a 401 at the real /api/jwt/admin`, async (t) => {
    const fastify = await buildApp(t, { profile: 'demo' })
    const forged = await forgers[attack](fastify)
    const range = await get(fastify, `/api/range/${attack}/admin`, forged)
    assert.equal(range.statusCode, 200, range.body)
    assert.equal(range.json().user.role, 'admin')
    assert.equal(range.json().attack, attack)
    for (const strategy of ['jwt', 'jwt-denylist']) {
      const real = await get(fastify, `/api/${strategy}/admin`, forged)
      assert.equal(real.statusCode, 401, `${strategy}: ${real.body}`)
      assert.equal(real.json().code, 'AUTH_INVALID')
      assert.equal(real.headers[RANGE_MARKER_HEADER], undefined)
    }
  })
}

test('the range shares no code with the real strategies', async () => {
  const dir = join(import.meta.dirname, '../src/attack-range')
  for (const file of await readdir(dir)) {
    const source = await readFile(join(dir, file), 'utf8')
    assert.doesNotMatch(source, /from ['"][^'"]*strategies/, file)
    assert.doesNotMatch(source, /from ['"]@fastify\/jwt|jwtSecret|sessionSecret/, file)
  }
})
