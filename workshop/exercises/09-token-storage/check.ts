import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { defineExercise, loadModule, SetupError } from '../../src/exercise.ts'
import { startLabApi, type LabApi } from '../../src/stores.ts'
import type * as Steal from './steal.ts'

/** The browser the checker drives: Debian's Chromium unless CHROMIUM_PATH names another Chrome or Chromium. */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** How long the victim's cookie login lives, in seconds: the cookie should live as long. */
const COOKIE_TTL = 120
const JWT = /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/

interface Context {
  module: typeof Steal
  api: LabApi
  victim: Server
  victimUrl: string
  browser: Browser
  context: BrowserContext
  page: Page
  /** what accessTokenCookie threw when the victim's server called it, if it did */
  cookieError: unknown
  /** the bearer tokens the app sent, as the browser saw them leave */
  sentByTheApp: string[]
  found: Steal.Found[] | null
  caught: string | null
  /** whether the app made its request while catchFromMemory listened */
  clicked: boolean
  /** what the API answered each carried-away token from Node, by where the script found it */
  fromElsewhere: Record<string, number>
  ride: Awaited<ReturnType<typeof Steal.rideTheCookie>> | null
}

/** An error thrown in the page, as the participant's code threw it (without Playwright's wrapping). */
function fromPage(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error)
  const thrown = /^page\.evaluate: (?:\w*Error: )?(.*)/.exec(message.split('\n')[0] ?? '')?.[1]
  return thrown === undefined ? (error as Error) : new Error(thrown)
}

/** Runs a script in the victim's page: an expression, or one of the participant's in-page functions from its source. */
async function inPage<T>(page: Page, fn: (() => T | Promise<T>) | string): Promise<T> {
  try {
    return (await page.evaluate(typeof fn === 'string' ? fn : `(${fn.toString()})()`)) as T
  } catch (error) {
    throw fromPage(error)
  }
}

/**
 * The victim's server, on a port of its own: its page (victim.html), a jwt-cookie login whose
 * Set-Cookie is the participant's accessTokenCookie, and /api/* passed on to the lab's real API, so
 * the page and the API share one origin, as they do in the web lab.
 */
async function startVictim(apiUrl: string, context: Pick<Context, 'module' | 'cookieError'>): Promise<Server> {
  const html = await readFile(new URL('victim.html', import.meta.url), 'utf8')
  const api = new URL(apiUrl)
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/api/')) {
      const upstream = httpRequest({ host: api.hostname, port: api.port, path: req.url, method: req.method, headers: { ...req.headers, host: api.host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      })
      upstream.on('error', () => res.writeHead(502).end())
      req.pipe(upstream)
      return
    }
    if (req.method === 'POST' && req.url === '/victim/cookie-login') {
      void (async () => {
        const login = await fetch(`${apiUrl}/api/jwt-cookie/login?ttl=${COOKIE_TTL}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
        })
        const at = login.headers.getSetCookie().map((line) => /^at=([^;]+)/.exec(line)?.[1]).find(Boolean)
        try {
          if (!at) throw new Error(`the lab's jwt-cookie login answered ${login.status} without an access token`)
          res.writeHead(204, { 'set-cookie': context.module.accessTokenCookie(at, COOKIE_TTL) }).end()
        } catch (error) {
          context.cookieError = error
          res.writeHead(500).end()
        }
      })()
      return
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html)
  })
  server.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  return server
}

async function cookieAt(context: Context) {
  if (context.cookieError) throw context.cookieError
  const cookie = (await context.context.cookies()).find((each) => each.name === 'at')
  assert.ok(cookie, 'the browser kept no cookie named "at" from your Set-Cookie value')
  return cookie
}

/** The reference: what the victim's page keeps in Web Storage, read by the checker itself. */
const stored = (page: Page) =>
  page.evaluate(() => ({ local: localStorage.getItem('access_token'), session: (JSON.parse(sessionStorage.getItem('auth') ?? '{}') as { accessToken?: string }).accessToken }))

export default defineExercise<Context>({
  files: ['steal.ts'],
  async setup(dir) {
    const module = await loadModule<typeof Steal>(dir, 'steal.ts')
    const api = await startLabApi()
    const partial = { module, api, cookieError: undefined as unknown, sentByTheApp: [] as string[] }
    let victim: Server | undefined
    let browser: Browser | undefined
    try {
      victim = await startVictim(api.url, partial)
      try {
        browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu'] })
      } catch {
        throw new SetupError(`exercise 9 runs a real browser and found none at ${CHROMIUM_PATH}: install Chromium, or set CHROMIUM_PATH to a Chrome or Chromium`)
      }
      const context = await browser.newContext()
      const page = await context.newPage()
      page.on('request', (sent) => {
        const authorization = sent.headers().authorization
        if (authorization) partial.sentByTheApp.push(authorization.replace(/^Bearer /, ''))
      })
      const victimUrl = `http://127.0.0.1:${(victim.address() as AddressInfo).port}`
      await page.goto(victimUrl)
      await page.waitForFunction(() => document.body.dataset.ready !== 'no', undefined, { timeout: 15_000 })
      return { ...partial, victim, victimUrl, browser, context, page, found: null, caught: null, clicked: false, ride: null, fromElsewhere: {} }
    } catch (error) {
      await browser?.close()
      victim?.close()
      await api.stop()
      throw error
    }
  },
  async teardown({ api, victim, browser }) {
    await browser.close()
    victim.close()
    await api.stop()
  },
  checks: [
    {
      name: 'readStorage finds the token in localStorage, under its key',
      lookAt: 'readStorage: localStorage.length, localStorage.key(i), localStorage.getItem(key)',
      hint: 1,
      run: async (context) => {
        const found = await inPage(context.page, context.module.readStorage)
        context.found = found
        assert.ok(Array.isArray(found), 'readStorage should return an array of { where, key, token }')
        const { local } = await stored(context.page)
        assert.ok(
          found.some((each) => each.where === 'localStorage' && each.key === 'access_token' && each.token === local),
          `the page keeps a token in localStorage["access_token"]; you found: ${JSON.stringify(found.map(({ where, key }) => ({ where, key })))}`,
        )
      },
    },
    {
      name: 'readStorage finds the token inside a JSON value in sessionStorage, and nothing that is not a JWT',
      lookAt: 'readStorage: both storages, and a search for JWTs inside each value (not the whole value)',
      hint: 2,
      run: async (context) => {
        const found = context.found ?? (await inPage(context.page, context.module.readStorage))
        const { session } = await stored(context.page)
        assert.ok(
          found.some((each) => each.where === 'sessionStorage' && each.key === 'auth' && each.token === session),
          'sessionStorage["auth"] holds {"user":"alice","accessToken":"eyJ…"}: the token inside it was not found',
        )
        for (const each of found) assert.match(each.token, JWT, `"${each.token.slice(0, 40)}" is not a JWT (localStorage also holds theme=dark)`)
      },
    },
    {
      name: 'each token read leaves the page and works from elsewhere: from Node, with nothing but the token, /api/jwt/me answers 200',
      lookAt: 'readStorage: return each token whole, exactly as stored',
      hint: 2,
      run: async (context) => {
        const found = context.found ?? []
        if (!context.found) assert.fail('readStorage did not run: see the checks above')
        assert.ok(new Set(found.map((each) => each.token)).size >= 2, 'readStorage found fewer than the two tokens in Web Storage')
        for (const { where, token } of found) {
          const me = await fetch(`${context.api.url}/api/jwt/me`, { headers: { authorization: `Bearer ${token}` } })
          context.fromElsewhere[where] = me.status
          assert.equal(me.status, 200, `the token ${token.slice(0, 16)}… was refused from elsewhere`)
        }
      },
    },
    {
      name: "catchFromMemory catches the in-memory token from the app's next request",
      lookAt: 'catchFromMemory: replace window.fetch, read the Authorization header, resolve with what follows "Bearer "',
      hint: 3,
      run: async (context) => {
        const { page } = context
        const sentBefore = context.sentByTheApp.length
        // Start listening, then let the app make its request, then collect what was caught.
        await inPage(page, `void (window.__caught = (${context.module.catchFromMemory.toString()})())`)
        await page.click('#profile')
        context.clicked = true
        await page.waitForFunction(() => document.getElementById('profile-status')?.textContent !== '', undefined, { timeout: 5000 }).catch(() => undefined)
        const caught = await Promise.race([
          page.evaluate(() => (window as unknown as { __caught: Promise<string> }).__caught),
          new Promise<null>((resolve) => setTimeout(() => resolve(null), 3000)),
        ])
        const sent = context.sentByTheApp.slice(sentBefore)
        assert.equal(sent.length, 1, 'the app sent no request with its token: does your fetch pass the call on?')
        assert.ok(caught !== null, 'catchFromMemory never resolved after the app sent its token')
        context.caught = caught
        assert.equal(caught, sent[0], 'not the token the app sent')
        const me = await fetch(`${context.api.url}/api/jwt/me`, { headers: { authorization: `Bearer ${caught}` } })
        context.fromElsewhere.memory = me.status
        assert.equal(me.status, 200, 'the caught token does not work from elsewhere')
      },
    },
    {
      name: "while you listen, the app's own request still goes through, and fetch is the page's own again afterwards",
      lookAt: 'catchFromMemory: return the original fetch called with the same arguments; put window.fetch back',
      hint: 3,
      run: async ({ page, clicked }) => {
        if (!clicked) assert.fail('catchFromMemory did not start listening: see the check above')
        assert.equal(await page.textContent('#profile-status'), '200', "the app's request did not reach the API through your fetch")
        const native = await page.evaluate(() => Function.prototype.toString.call(window.fetch).includes('[native code]'))
        assert.ok(native, 'window.fetch is still your function: put the original back once you have the token')
      },
    },
    {
      name: 'accessTokenCookie: HttpOnly, so no script of the page can read it',
      lookAt: 'accessTokenCookie: the HttpOnly attribute',
      hint: 4,
      run: async (context) => {
        const cookie = await cookieAt(context)
        assert.equal(cookie.value.split('.').length, 3, 'the cookie "at" should hold the access token itself')
        assert.equal(cookie.httpOnly, true, 'the cookie is not HttpOnly: any script of the page reads it in document.cookie')
      },
    },
    {
      name: 'accessTokenCookie: SameSite=Strict, Path=/api/jwt-cookie, and it lasts as long as the token (Max-Age)',
      lookAt: 'accessTokenCookie: SameSite, Path and Max-Age',
      hint: 4,
      run: async (context) => {
        const cookie = await cookieAt(context)
        assert.equal(cookie.sameSite, 'Strict', 'SameSite should be Strict: no request from another site carries it')
        assert.equal(cookie.path, '/api/jwt-cookie', 'Path should be /api/jwt-cookie: the cookie goes with the API calls that need it, and no others')
        const left = cookie.expires - Date.now() / 1000
        assert.ok(cookie.expires > 0 && Math.abs(left - COOKIE_TTL) < 15, `the cookie should live ${COOKIE_TTL} s, as the token: Max-Age=${COOKIE_TTL}`)
      },
    },
    {
      name: "rideTheCookie: the page's script cannot see the cookie, yet its request to /api/jwt-cookie/me carries it",
      lookAt: 'rideTheCookie: document.cookie, then fetch("/api/jwt-cookie/me") and its JSON',
      hint: 5,
      run: async (context) => {
        await cookieAt(context)
        const ride = await inPage(context.page, context.module.rideTheCookie)
        context.ride = ride
        const visible = await context.page.evaluate(() => document.cookie.split('; ').some((pair) => pair.startsWith('at=')))
        assert.equal(ride.cookieVisible, visible, `document.cookie ${visible ? 'does' : 'does not'} show at=`)
        assert.equal(ride.status, 200, 'the page’s own request to /api/jwt-cookie/me should be accepted: the browser adds the cookie')
        assert.equal(ride.username, 'alice')
      },
    },
  ],
  async insight(context) {
    // From elsewhere, all the script could send is what document.cookie showed it.
    const seen = await context.page.evaluate(() => document.cookie)
    const elsewhere = await fetch(`${context.api.url}/api/jwt-cookie/me`, { headers: seen ? { cookie: seen } : {} })
    const row = (place: string, read: string, away: string) => `  ${place.padEnd(24)}${read.padEnd(30)}${away}`
    const { fromElsewhere, ride } = context
    return [
      'What your script carried away, and what the real API answered it from Node:',
      row('where the page kept it', 'read by the script?', 'GET /me from elsewhere'),
      row('localStorage', 'yes', String(fromElsewhere.localStorage)),
      row('sessionStorage (JSON)', 'yes', String(fromElsewhere.sessionStorage)),
      row('a variable', "at the app's next request", String(fromElsewhere.memory)),
      row('HttpOnly cookie at', ride?.cookieVisible ? 'yes' : 'no', `${elsewhere.status} with what document.cookie showed`),
      `From the open page, /api/jwt-cookie/me answered ${ride?.status}: the script acts as alice while the page is open (session riding).`,
      'An HttpOnly cookie does not stop XSS; it stops the login from leaving with it. CSP, escaping and Trusted Types stop XSS.',
    ]
  },
})
