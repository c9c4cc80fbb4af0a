// `output: 'standalone'` traces what Next's own server needs; the web origin (server/) replaces that
// server and is not traced, and the static assets are left out. Copy both beside it, into
// .next/standalone/apps/web, where `node server/main.ts` serves them.
import { cpSync, existsSync, rmSync } from 'node:fs'

const web = new URL('../', import.meta.url)
const app = new URL('.next/standalone/apps/web/', web)
const copy = (path: string) => cpSync(new URL(path, web), new URL(path, app), { recursive: true })
copy('.next/static/')
if (existsSync(new URL('public/', web))) copy('public/')
// The origin needs only Node and `next` (traced already) at run time, plus two modules it shares with the app.
copy('server/')
copy('src/lib/env.ts')
copy('src/lib/views.ts')
// Next's generated server.js would serve the pages without the origin (no /api, no security headers).
rmSync(new URL('server.js', app))
