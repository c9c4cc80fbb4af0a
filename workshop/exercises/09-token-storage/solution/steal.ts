/// <reference lib="dom" />
// Parts 1, 2 and 4 run INSIDE the victim's page, in a real browser: the checker sends each function's
// source there. Use only what the page has (window, document, fetch, localStorage…) and nothing
// defined outside the function. Part 3 runs on the victim's server.

/** A token found in Web Storage, and where. */
export interface Found {
  where: 'localStorage' | 'sessionStorage'
  key: string
  token: string
}

/** 1. In the page: every JWT in localStorage and sessionStorage, also one kept inside a longer value. */
export function readStorage(): Found[] {
  const found: Found[] = []
  for (const [where, storage] of [['localStorage', localStorage], ['sessionStorage', sessionStorage]] as const) {
    for (let index = 0; index < storage.length; index++) {
      const key = storage.key(index) as string
      for (const token of storage.getItem(key)?.match(/eyJ[\w-]*\.[\w-]+\.[\w-]+/g) ?? []) found.push({ where, key, token })
    }
  }
  return found
}

/**
 * 2. In the page: the access token the app keeps in a variable of its own code. No script can name
 * that variable, but the app sends the token with its requests: wrap fetch, and resolve with the
 * bearer token of the app's next request that carries one. The app's request must still go through,
 * and fetch must be the page's own again once you have the token.
 */
export function catchFromMemory(): Promise<string> {
  return new Promise((resolve) => {
    const original = window.fetch
    window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined))
      const token = /^Bearer (\S+)$/i.exec(headers.get('authorization') ?? '')?.[1]
      if (token) {
        window.fetch = original
        resolve(token)
      }
      return original.call(window, input, init)
    }
  })
}

/**
 * 3. On the victim's server: the Set-Cookie header value that keeps jwt-cookie's access token where
 * no script can read it (cookie name `at`), sent only with requests to its API (/api/jwt-cookie),
 * never with a request from another site, and for as long as the token lives.
 */
export function accessTokenCookie(token: string, maxAgeSeconds: number): string {
  return `at=${token}; HttpOnly; SameSite=Strict; Path=/api/jwt-cookie; Max-Age=${maxAgeSeconds}`
}

/**
 * 4. In the page, now that the token is in that cookie: can the script see it? And what does the
 * API answer the page's own request to GET /api/jwt-cookie/me?
 */
export async function rideTheCookie(): Promise<{ cookieVisible: boolean; status: number; username: string | null }> {
  const cookieVisible = document.cookie.split('; ').some((pair) => pair.startsWith('at='))
  const response = await fetch('/api/jwt-cookie/me')
  const body = (await response.json()) as { user?: { username?: string } }
  return { cookieVisible, status: response.status, username: body.user?.username ?? null }
}
