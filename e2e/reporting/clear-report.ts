import { mkdirSync, rmSync } from 'node:fs'
import { REPORT_DIR, SCREENSHOT_DIR } from './observations.ts'

export default function clearReport() {
  rmSync(REPORT_DIR, { recursive: true, force: true })
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
}
