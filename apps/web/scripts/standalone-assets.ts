// `output: 'standalone'` leaves the static assets out of the server folder: copy them beside it,
// where node .next/standalone/apps/web/server.js serves them.
import { cpSync, existsSync } from 'node:fs'

const web = new URL('../', import.meta.url)
const server = new URL('.next/standalone/apps/web/', web)
cpSync(new URL('.next/static/', web), new URL('.next/static/', server), { recursive: true })
if (existsSync(new URL('public/', web))) cpSync(new URL('public/', web), new URL('public/', server), { recursive: true })
