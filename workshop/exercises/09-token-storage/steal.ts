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
  // TODO: go through both storages, key by key; find every JWT in each value (a JWT starts with eyJ).
  throw new Error('TODO: readStorage in steal.ts')
}

/**
 * 2. In the page: the access token the app keeps in a variable of its own code. No script can name
 * that variable, but the app sends the token with its requests: wrap fetch, and resolve with the
 * bearer token of the app's next request that carries one. The app's request must still go through,
 * and fetch must be the page's own again once you have the token.
 */
export function catchFromMemory(): Promise<string> {
  // TODO: keep the page's fetch; put a function of yours in its place that reads the Authorization
  // header (from init.headers, or from a Request), passes the call on, and puts the original back.
  throw new Error('TODO: catchFromMemory in steal.ts')
}

/**
 * 3. On the victim's server: the Set-Cookie header value that keeps jwt-cookie's access token where
 * no script can read it (cookie name `at`), sent only with requests to its API (/api/jwt-cookie),
 * never with a request from another site, and for as long as the token lives.
 */
export function accessTokenCookie(token: string, maxAgeSeconds: number): string {
  // TODO: `at=<token>` and its attributes, separated by "; ".
  throw new Error('TODO: accessTokenCookie in steal.ts')
}

/**
 * 4. In the page, now that the token is in that cookie: can the script see it? And what does the
 * API answer the page's own request to GET /api/jwt-cookie/me?
 */
export async function rideTheCookie(): Promise<{ cookieVisible: boolean; status: number; username: string | null }> {
  // TODO: look for `at=` in document.cookie; call /api/jwt-cookie/me from the page and read its answer.
  throw new Error('TODO: rideTheCookie in steal.ts')
}
