import assert from 'node:assert/strict'
import { createHmac, randomBytes, randomInt, randomUUID } from 'node:crypto'
import { COMMON_JWT_SECRETS, RANGE_MARKER, RANGE_MARKER_HEADER, type RangeAttack, type RangeIndex } from '@lab/contracts'
import { defineExercise, loadModule } from '../../src/exercise.ts'
import { startLabApi, type LabApi } from '../../src/stores.ts'
import type * as Forge from './forge.ts'

interface Context {
  module: typeof Forge
  api: LabApi
  wordlist: string[]
  range: RangeIndex
  /** what happened to each forged token, for the summary */
  outcomes: Partial<Record<RangeAttack, { range: number; real: number }>>
}

/** Claims shaped like the real API's access tokens: only the signature can make the real API refuse them. */
function adminClaims(): Forge.Claims {
  const iat = Math.floor(Date.now() / 1000)
  return {
    sub: randomUUID(), jti: randomUUID(), sid: randomUUID(), username: 'admin', role: 'admin',
    iss: 'session-vs-jwt-lab', aud: 'session-vs-jwt-lab:jwt', iat, exp: iat + 300,
  }
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url)
  assert.equal(response.status, 200, `GET ${url} answered ${response.status}`)
  return (await response.json()) as T
}

async function asAdmin(url: string, token: string): Promise<Response> {
  assert.equal(typeof token, 'string', 'the forged token should be a string')
  return fetch(url, { headers: { authorization: `Bearer ${token}` } })
}

/** The forged token must open the range's admin route and be refused by the real one. */
async function tryAttack(context: Context, attack: RangeAttack, token: string): Promise<void> {
  const range = await asAdmin(`${context.api.url}/api/range/${attack}/admin`, token)
  assert.equal(range.headers.get(RANGE_MARKER_HEADER), RANGE_MARKER)
  const body = (await range.json()) as { user?: { role?: string }; message?: string }
  assert.equal(range.status, 200, `the ${attack} target refused your token (${range.status}: ${body.message ?? ''})`)
  assert.equal(body.user?.role, 'admin', 'the range let you in, but not as admin: put "role": "admin" in the claims')
  const real = await asAdmin(`${context.api.url}/api/jwt/admin`, token)
  assert.equal(real.status, 401, `the REAL API answered ${real.status} to a forged token: report this, it is a vulnerability`)
  context.outcomes[attack] = { range: range.status, real: real.status }
}

export default defineExercise<Context>({
  files: ['forge.ts'],
  async setup(dir) {
    const module = await loadModule<typeof Forge>(dir, 'forge.ts')
    const wordlist = [...COMMON_JWT_SECRETS]
    const api = await startLabApi()
    try {
      const range = await getJson<RangeIndex>(`${api.url}/api/range`)
      return { module, api, wordlist, range, outcomes: {} }
    } catch (error) {
      await api.stop()
      throw error
    }
  },
  teardown: ({ api }) => api.stop(),
  checks: [
    {
      name: 'alg none: an unsigned token gets you in as admin on the range, and is refused by the real API',
      lookAt: 'forgeNone: three segments, the last one empty',
      hint: 1,
      run: (context) => tryAttack(context, 'none', context.module.forgeNone(adminClaims())),
    },
    {
      name: 'crackSecret finds the word that signed a token, and says undefined when none did',
      lookAt: 'crackSecret: recompute the signature with each word',
      hint: 2,
      run: async ({ module, wordlist }) => {
        const word = wordlist[randomInt(wordlist.length)] as string
        const input = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"guest"}').toString('base64url')}`
        const signed = (key: string | Buffer) => `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`
        assert.equal(module.crackSecret(signed(word), wordlist), word, `a token signed with "${word}"`)
        assert.equal(module.crackSecret(signed(randomBytes(32)), wordlist), undefined, 'a token signed with 32 random bytes cannot be cracked')
      },
    },
    {
      name: 'weak secret: crack the guest token the range issued, then sign as admin',
      lookAt: 'forgeWithSecret: HS256 with the cracked word',
      hint: 2,
      run: async (context) => {
        const { token } = await getJson<{ token: string }>(`${context.api.url}/api/range/weak-secret/token`)
        const secret = context.module.crackSecret(token, context.wordlist)
        assert.ok(secret !== undefined, 'crackSecret found no word for the guest token of /api/range/weak-secret/token')
        await tryAttack(context, 'weak-secret', context.module.forgeWithSecret(adminClaims(), secret))
      },
    },
    {
      name: 'kid: a path to /dev/null makes the range sign with an empty key',
      lookAt: 'forgeKid: kid "../../../dev/null", key ""',
      hint: 3,
      run: (context) => tryAttack(context, 'kid', context.module.forgeKid(adminClaims())),
    },
    {
      name: "algorithm confusion: the range's own public key, used as an HMAC secret",
      lookAt: 'forgeAlgConfusion: hs256 keyed with the PEM text, exactly as published',
      hint: 4,
      run: async (context) => {
        const { publicKey } = await getJson<{ publicKey: string }>(`${context.api.url}/api/range/alg-confusion/public-key`)
        await tryAttack(context, 'alg-confusion', context.module.forgeAlgConfusion(adminClaims(), publicKey))
      },
    },
  ],
  async insight({ range, outcomes }) {
    return [
      'Each forged token, against the range and against the real API (GET /api/jwt/admin):',
      ...range.attacks.map((attack) => {
        const outcome = outcomes[attack.name]
        return `  ${attack.name.padEnd(14)} range ${outcome?.range}, real API ${outcome?.real}. Stopped by: ${attack.defence}`
      }),
    ]
  },
})
